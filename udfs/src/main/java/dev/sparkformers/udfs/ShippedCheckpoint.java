package dev.sparkformers.udfs;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint that only the driver can read, sent to the executors as Spark broadcasts of at most
 * {@value #MAX_CHUNK_BYTES} bytes each, so that no single array comes near Java's 2 GiB limit.
 *
 * <p>The driver splits every file of the checkpoint directory into chunks and broadcasts each chunk
 * separately. An executor that needs the model fetches the chunks (from the driver or, through
 * Spark's torrent broadcast, from other executors), writes them into its local
 * {@link CheckpointCache} under the area {@value #CACHE_AREA}, checks the SHA-256 fingerprint of the
 * result, and renames it into place; the registry then memory-maps the weights from there. Each host
 * writes a checkpoint once, whatever the number of tasks.
 *
 * <p>NOTE: Spark keeps every fetched chunk in the block manager of the driver and of each executor
 * that read it (memory, spilling to disk) until {@link #destroy()} runs, so a shipped model costs
 * its size again in storage memory while the job runs.
 */
public final class ShippedCheckpoint implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default chunk size: 32 MiB. */
    public static final int DEFAULT_CHUNK_BYTES = 32 << 20;

    /** Largest chunk size accepted: 64 MiB. */
    public static final int MAX_CHUNK_BYTES = 64 << 20;

    /** Cache area of shipped checkpoints. */
    public static final String CACHE_AREA = "shipped";

    private static final Logger LOG = LoggerFactory.getLogger(ShippedCheckpoint.class);

    private final String source;
    private final String fingerprint;
    private final List<ShippedFile> files;

    private ShippedCheckpoint(String source, String fingerprint, List<ShippedFile> files) {
        this.source = source;
        this.fingerprint = fingerprint;
        this.files = List.copyOf(files);
    }

    /**
     * Broadcasts the files of {@code directory} in chunks of {@code chunkBytes}.
     *
     * @param fingerprint the directory's {@link ModelFingerprint}; executors check their copy against it
     * @throws IllegalArgumentException if {@code chunkBytes} is not between 1 and {@value #MAX_CHUNK_BYTES}
     */
    public static ShippedCheckpoint broadcast(JavaSparkContext spark, Path directory, String fingerprint,
            int chunkBytes) throws IOException {
        if (chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("Chunk size must be between 1 and " + MAX_CHUNK_BYTES + " bytes, but is "
                    + chunkBytes);
        }
        long start = System.nanoTime();
        List<ShippedFile> shipped = new ArrayList<>();
        long bytes = 0;
        int chunks = 0;
        for (Path file : ModelFingerprint.files(directory)) {
            List<Broadcast<byte[]>> fileChunks = new ArrayList<>();
            long size = Files.size(file);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                for (long offset = 0; offset < size; offset += chunkBytes) {
                    int length = (int) Math.min(chunkBytes, size - offset);
                    fileChunks.add(spark.broadcast(read(channel, offset, length, file)));
                }
            }
            shipped.add(new ShippedFile(directory.relativize(file).toString(), size, fileChunks));
            bytes += size;
            chunks += fileChunks.size();
        }
        LOG.info("Broadcast model {} ({} files, {} bytes) in {} chunks of at most {} bytes in {} ms", directory,
                shipped.size(), bytes, chunks, chunkBytes, (System.nanoTime() - start) / 1_000_000);
        return new ShippedCheckpoint(directory.toString(), fingerprint, shipped);
    }

    /** Returns the SHA-256 fingerprint of the shipped files. */
    public String fingerprint() {
        return fingerprint;
    }

    /** Returns the total size of the shipped files in bytes. */
    public long totalBytes() {
        return files.stream().mapToLong(ShippedFile::size).sum();
    }

    /** Returns the number of broadcast chunks. */
    public int chunkCount() {
        return files.stream().mapToInt(file -> file.chunks().size()).sum();
    }

    /** Returns the local copy of the checkpoint in the default cache, writing it on first use. */
    public Path localize() throws IOException {
        return localize(CheckpointCache.inDefaultDirectory(CACHE_AREA));
    }

    /**
     * Returns the local copy of the checkpoint in {@code cache}, writing it on first use.
     *
     * @throws IOException if a chunk has the wrong size or the copy's fingerprint differs from the
     *     driver's; nothing is cached then
     */
    public Path localize(CheckpointCache cache) throws IOException {
        return cache.getOrCreate(fingerprint, "shipped model " + source + " (" + totalBytes() + " bytes)",
                this::writeFiles);
    }

    /** Removes the chunks from the driver and every executor; call it on the driver after the job. */
    public void destroy() {
        for (ShippedFile file : files) {
            for (Broadcast<byte[]> chunk : file.chunks()) {
                chunk.destroy();
            }
        }
    }

    private void writeFiles(Path staging) throws IOException {
        for (ShippedFile file : files) {
            Path destination = staging.resolve(file.name()).normalize();
            if (!destination.startsWith(staging) || destination.equals(staging)) {
                throw new IOException("Shipped file name '" + file.name() + "' escapes the model directory");
            }
            Files.createDirectories(destination.getParent());
            long written = 0;
            try (FileChannel channel = FileChannel.open(destination, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                for (Broadcast<byte[]> chunk : file.chunks()) {
                    ByteBuffer buffer = ByteBuffer.wrap(chunk.value());
                    while (buffer.hasRemaining()) {
                        written += channel.write(buffer);
                    }
                }
            }
            if (written != file.size()) {
                throw new IOException("Shipped file " + file.name() + " has " + written + " bytes, but the driver sent "
                        + file.size());
            }
        }
        String copy = ModelFingerprint.of(staging);
        if (!copy.equals(fingerprint)) {
            throw new IOException("The shipped copy of " + source + " has SHA-256 " + copy + ", but the driver's has "
                    + fingerprint + "; the checkpoint changed while the job started, so run the job again");
        }
    }

    private static byte[] read(FileChannel channel, long offset, int length, Path file) throws IOException {
        byte[] bytes = new byte[length];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, offset + buffer.position());
            if (read < 0) {
                throw new IOException("File " + file + " ended at " + (offset + buffer.position())
                        + " bytes while it was being shipped; it changed during the read");
            }
        }
        return bytes;
    }

    /** One file of the checkpoint: its path relative to the checkpoint root, size and chunks in order. */
    private record ShippedFile(String name, long size, List<Broadcast<byte[]>> chunks) implements Serializable {

        private static final long serialVersionUID = 1L;

        ShippedFile {
            chunks = List.copyOf(chunks);
        }
    }
}
