package dev.sparkformers.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A safetensors file opened for reading, with each tensor memory-mapped on request.
 *
 * <p>The header is read and validated when the file opens (see {@link SafetensorsHeader}); its
 * length is checked against the file size and {@link SafetensorsHeader#MAX_HEADER_BYTES} before
 * any buffer is allocated for it. Offsets are 64-bit, so files above 2 GiB work; a single tensor
 * must fit one mapping (under 2 GiB). Mappings stay valid after {@link #close()}, which releases
 * only the file channel.
 */
public final class SafetensorsFile implements TensorSource {

    private static final int LENGTH_PREFIX_BYTES = 8;

    private final Path path;
    private final FileChannel channel;
    private final SafetensorsHeader header;
    private final long dataStart;

    private SafetensorsFile(Path path, FileChannel channel, SafetensorsHeader header, long dataStart) {
        this.path = path;
        this.channel = channel;
        this.header = header;
        this.dataStart = dataStart;
    }

    /**
     * Opens and validates {@code path}.
     *
     * @throws InvalidSafetensorsException if the file is malformed, with the problem named
     * @throws NoSuchFileException if the file does not exist
     */
    public static SafetensorsFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long fileSize = channel.size();
            if (fileSize < LENGTH_PREFIX_BYTES) {
                throw new InvalidSafetensorsException(path, "file has " + fileSize
                        + " bytes, fewer than the 8-byte header length; it is truncated or not a safetensors file");
            }
            ByteBuffer prefix = ByteBuffer.allocate(LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, prefix, 0);
            long headerLength = prefix.flip().getLong();
            if (headerLength <= 0) {
                throw new InvalidSafetensorsException(path, "header length is " + headerLength
                        + "; it must be positive");
            }
            if (headerLength > SafetensorsHeader.MAX_HEADER_BYTES) {
                throw new InvalidSafetensorsException(path, "header length " + headerLength + " exceeds the limit of "
                        + SafetensorsHeader.MAX_HEADER_BYTES + " bytes; the file is corrupt or not a safetensors file");
            }
            if (headerLength > fileSize - LENGTH_PREFIX_BYTES) {
                throw new InvalidSafetensorsException(path, "header length " + headerLength
                        + " runs past the end of the file (" + fileSize + " bytes); the file is truncated");
            }

            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, LENGTH_PREFIX_BYTES);
            long dataStart = LENGTH_PREFIX_BYTES + headerLength;
            SafetensorsHeader header = SafetensorsHeader.parse(path, headerBytes.array(), fileSize - dataStart);
            return new SafetensorsFile(path, channel, header, dataStart);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The file's path. */
    public Path path() {
        return path;
    }

    /** The validated header. */
    public SafetensorsHeader header() {
        return header;
    }

    /** The {@code __metadata__} entries. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public Map<String, TensorInfo> tensors() {
        return header.tensors();
    }

    /**
     * Maps one tensor's bytes read-only. The buffer is little-endian, positioned at 0, and
     * independent of every other mapping.
     *
     * @throws IllegalArgumentException if the file has no tensor of that name
     */
    @Override
    public ByteBuffer map(String name) throws IOException {
        TensorInfo info = info(name);
        if (info.byteSize() > Integer.MAX_VALUE) {
            throw new InvalidSafetensorsException(path, "tensor '" + name + "' has " + info.byteSize()
                    + " bytes; tensors of 2 GiB or more are not supported");
        }
        if (info.byteSize() == 0) {
            return ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.dataBegin(),
                info.byteSize());
        return mapped.order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads one tensor into memory; for small tensors and tests. */
    public TensorData read(String name) throws IOException {
        TensorInfo info = info(name);
        return new TensorData(info.dtype(), info.shape(), map(name));
    }

    @Override
    public String describe(String name) {
        return path.toString();
    }

    @Override
    public long fileOffset(String name) {
        return dataStart + info(name).dataBegin();
    }

    private TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw new IllegalArgumentException(path + " has no tensor named '" + name + "'");
        }
        return info;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("Unexpected end of file at byte " + at);
            }
            at += read;
        }
    }
}
