package dev.sparkformers.udfs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Copies a checkpoint directory from a Hadoop file system (s3a, hdfs, abfs, gs, ...) into the local
 * {@link CheckpointCache}, once per distinct content.
 *
 * <p>The cache entry is named by the location and, for every file, its relative path, length,
 * modification time and version tag: the ETag where the file system reports one
 * ({@link EtagSource}, as S3A and ABFS do), otherwise its {@link FileSystem#getFileChecksum}
 * (HDFS), otherwise nothing. A checkpoint rewritten in place therefore gets a new entry, even when a
 * file keeps its length and the store's modification time has a coarse resolution.
 */
public final class RemoteCheckpoints {

    /** Cache area of copies from Hadoop file systems. */
    public static final String CACHE_AREA = "remote";

    private static final Logger LOG = LoggerFactory.getLogger(RemoteCheckpoints.class);

    private RemoteCheckpoints() {}

    /**
     * Returns a local copy of the checkpoint directory at {@code location}, in the default cache.
     *
     * @throws IOException if the location is not a directory, cannot be listed or read, or a file
     *     changes length while it is copied
     */
    public static Path copy(String location, Configuration conf) throws IOException {
        return copy(location, conf, CheckpointCache.inDefaultDirectory(CACHE_AREA));
    }

    /** Returns a local copy of the checkpoint directory at {@code location} in {@code cache}. */
    public static Path copy(String location, Configuration conf, CheckpointCache cache) throws IOException {
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(location);
        FileSystem fs = root.getFileSystem(conf);
        FileStatus rootStatus = fs.getFileStatus(root);
        if (!rootStatus.isDirectory()) {
            throw new IOException("Model location " + location + " is not a directory; pass the checkpoint"
                    + " directory that holds config.json");
        }

        // TODO: check the _SUCCESS marker of CheckpointPublisher when there is one, so that a checkpoint
        // that is being moved into place on s3a is not read with only some of its files.
        List<LocatedFileStatus> files = list(fs, root);
        if (files.isEmpty()) {
            throw new IOException("Model directory " + location + " contains no files; pass the checkpoint directory");
        }
        String identity = identity(location, fs, root, files);
        return cache.getOrCreate(identity, "model " + location + " (" + files.size() + " files)",
                staging -> copyFiles(fs, root, files, staging));
    }

    /**
     * The text the cache entry is named by: the location, then one line per file with its relative
     * path, length, modification time and version tag.
     */
    static String identity(String location, FileSystem fs, org.apache.hadoop.fs.Path root,
            List<LocatedFileStatus> files) {
        StringBuilder identity = new StringBuilder(location);
        for (LocatedFileStatus status : files) {
            identity.append('\n').append(relative(root, status))
                    .append(' ').append(status.getLen())
                    .append(' ').append(status.getModificationTime())
                    .append(' ').append(versionTag(fs, status));
        }
        return identity.toString();
    }

    /** Returns the file's ETag, else its checksum, else {@code -} when the file system offers neither. */
    static String versionTag(FileSystem fs, FileStatus status) {
        if (status instanceof EtagSource source && source.getEtag() != null && !source.getEtag().isEmpty()) {
            return "etag:" + source.getEtag();
        }
        try {
            FileChecksum checksum = fs.getFileChecksum(status.getPath());
            if (checksum != null) {
                return checksum.getAlgorithmName() + ":" + HexFormat.of().formatHex(checksum.getBytes());
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Some file systems fail instead of returning null; length and time still identify the file.
            LOG.debug("No checksum for {}: {}", status.getPath(), e.toString());
        }
        return "-";
    }

    private static List<LocatedFileStatus> list(FileSystem fs, org.apache.hadoop.fs.Path root) throws IOException {
        List<LocatedFileStatus> files = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> listing = fs.listFiles(root, true);
        while (listing.hasNext()) {
            files.add(listing.next());
        }
        files.sort(Comparator.comparing(status -> status.getPath().toString()));
        return files;
    }

    private static void copyFiles(FileSystem fs, org.apache.hadoop.fs.Path root, List<LocatedFileStatus> files,
            Path staging) throws IOException {
        long bytes = 0;
        for (FileStatus status : files) {
            String name = relative(root, status);
            Path destination = staging.resolve(name).normalize();
            if (!destination.startsWith(staging) || destination.equals(staging)) {
                throw new IOException("File " + status.getPath() + " escapes the model directory " + root);
            }
            Files.createDirectories(destination.getParent());
            long copied;
            try (InputStream in = fs.open(status.getPath())) {
                copied = Files.copy(in, destination);
            }
            if (copied != status.getLen()) {
                throw new IOException("Copied " + copied + " bytes of " + status.getPath()
                        + ", but its listing reports " + status.getLen() + "; the file changed during the copy, so"
                        + " run the job again once it is complete");
            }
            bytes += copied;
        }
        LOG.info("Read {} bytes in {} files from {}", bytes, files.size(), root);
    }

    private static String relative(org.apache.hadoop.fs.Path root, FileStatus status) {
        String rootPath = root.toUri().getPath();
        String filePath = status.getPath().toUri().getPath();
        String relative = filePath.startsWith(rootPath) ? filePath.substring(rootPath.length())
                : status.getPath().getName();
        return relative.startsWith("/") ? relative.substring(1) : relative;
    }
}
