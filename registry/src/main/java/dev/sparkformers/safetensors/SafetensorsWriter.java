package dev.sparkformers.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes safetensors files that HuggingFace's {@code safetensors} library reads.
 *
 * <p>The layout follows the reference serializer: an 8-byte little-endian header length, a
 * compact JSON header whose {@code __metadata__} comes first, padded with spaces to a multiple of
 * 8 bytes, then the tensor data in header order. Tensors are ordered by dtype (widest first, in
 * the reference serializer's dtype order) and then by name, which keeps every tensor aligned to
 * its element size. The file is written under a temporary name and renamed into place, so a
 * reader never sees a partial file.
 */
public final class SafetensorsWriter {

    /** The metadata HuggingFace writes for PyTorch checkpoints. */
    public static final Map<String, String> PYTORCH_METADATA = Map.of("format", "pt");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Rank of each dtype in the reference serializer's ordering; a higher rank is written first. */
    private static final List<Dtype> SERIALIZER_ORDER = List.of(
            Dtype.BOOL, Dtype.U8, Dtype.I8, Dtype.I16, Dtype.F16, Dtype.BF16, Dtype.I32, Dtype.F32,
            Dtype.F64, Dtype.I64);

    private SafetensorsWriter() {}

    /** Writes {@code tensors} with {@link #PYTORCH_METADATA}. */
    public static void write(Path file, Map<String, TensorData> tensors) throws IOException {
        write(file, tensors, PYTORCH_METADATA);
    }

    /**
     * Writes {@code tensors} and {@code metadata} to {@code file}, replacing it if it exists.
     *
     * @param metadata string entries for {@code __metadata__}; empty to leave it out
     */
    public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata)
            throws IOException {
        List<Map.Entry<String, TensorData>> ordered = new ArrayList<>(tensors.entrySet());
        ordered.sort(Comparator.<Map.Entry<String, TensorData>>comparingInt(
                        e -> -SERIALIZER_ORDER.indexOf(e.getValue().dtype()))
                .thenComparing(Map.Entry::getKey));

        byte[] header = header(ordered, metadata);
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // Not Files.createTempFile, which would leave the checkpoint readable by its owner only (mode 0600).
        Path temporary = Files.createFile(parent.resolve("." + file.getFileName() + "." + UUID.randomUUID()
                + ".partial"));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer length = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                length.putLong(header.length).flip();
                writeFully(channel, length);
                writeFully(channel, ByteBuffer.wrap(header));
                for (Map.Entry<String, TensorData> entry : ordered) {
                    writeFully(channel, entry.getValue().data().duplicate());
                }
                channel.force(true);
            }
            moveIntoPlace(temporary, file);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static byte[] header(List<Map.Entry<String, TensorData>> ordered, Map<String, String> metadata)
            throws IOException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
            metadata.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> meta.put(e.getKey(), e.getValue()));
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> entry : ordered) {
            if (entry.getKey().equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("A tensor cannot be named " + SafetensorsHeader.METADATA_KEY);
            }
            TensorData tensor = entry.getValue();
            long size = tensor.data().remaining();
            ObjectNode info = root.putObject(entry.getKey());
            info.put("dtype", tensor.dtype().name());
            ArrayNode shape = info.putArray("shape");
            for (long dim : tensor.shape()) {
                shape.add(dim);
            }
            info.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }

        byte[] json = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        // Pad with spaces so that the data starts 8-byte aligned after the 8-byte length prefix.
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        System.arraycopy(json, 0, header, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            header[i] = ' ';
        }
        return header;
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void moveIntoPlace(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
