package dev.sparkformers.safetensors;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

/** Named tensors that can be memory-mapped: one safetensors file, or the shards of a checkpoint. */
public interface TensorSource extends Closeable {

    /** Header entries of every tensor, by name. */
    Map<String, TensorInfo> tensors();

    /** Maps one tensor's little-endian bytes read-only. */
    ByteBuffer map(String name) throws IOException;

    /** The file that holds {@code name}, for messages. */
    String describe(String name);

    /**
     * Absolute offset of the tensor's first byte in its file. A mapping starts at that offset
     * within a page, so its address has the same alignment as this offset.
     */
    long fileOffset(String name);
}
