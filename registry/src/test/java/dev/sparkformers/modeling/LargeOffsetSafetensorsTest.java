package dev.sparkformers.modeling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkformers.models.bert.BertConfig;
import dev.sparkformers.models.bert.BertModel;
import dev.sparkformers.nn.Parameter;
import dev.sparkformers.safetensors.InvalidSafetensorsException;
import dev.sparkformers.safetensors.SafetensorsFile;
import dev.sparkformers.safetensors.TensorInfo;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A safetensors checkpoint whose weights all lie past the 2 GiB mark, behind a U8 filler tensor
 * of 2 GiB + 8 bytes: the header validation, {@link SafetensorsFile#map} and the model loader must
 * use 64-bit offsets throughout.
 *
 * <p>The file is about 2.1 GB long but sparse: {@link RandomAccessFile#setLength} leaves the
 * filler unallocated on ext4, XFS, btrfs, tmpfs and overlayfs, so it costs a few kilobytes of
 * disk. Because Java cannot tell whether a file system supports sparse files, the test runs only
 * where the temporary directory has room for the whole file, and is skipped with that reason
 * otherwise.
 */
class LargeOffsetSafetensorsTest {

    /** Filler size: past {@link Integer#MAX_VALUE}, and a multiple of 8 so that the weights stay aligned. */
    private static final long FILLER_BYTES = (1L << 31) + 8;

    private static final String FILLER = "filler";

    /** Room required before the file is created, for file systems that allocate the whole length. */
    private static final long REQUIRED_FREE_BYTES = 3L << 30;

    @TempDir
    static Path dir;

    private static Path checkpoint;
    private static Map<String, float[]> weights;

    /** Why the large file was not written, or null when it was. */
    private static String skipReason;

    @BeforeAll
    static void writeCheckpoint() throws IOException {
        FileStore store = Files.getFileStore(dir);
        if (store.getUsableSpace() < REQUIRED_FREE_BYTES) {
            skipReason = "Skipped: " + dir + " (" + store.type() + ") has " + store.getUsableSpace()
                    + " usable bytes, fewer than the " + REQUIRED_FREE_BYTES
                    + " that a non-sparse 2.1 GB test file would need";
            System.out.println(skipReason);
            return;
        }

        BertConfig config = new BertConfig().setVocabSize(40).setHiddenSize(8).setNumAttentionHeads(2)
                .setNumHiddenLayers(1).setIntermediateSize(16).setMaxPositionEmbeddings(16);
        checkpoint = dir.resolve("checkpoint");
        config.savePretrained(checkpoint);

        weights = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Random random = new Random(3);
        try (BertModel model = new BertModel(config)) {
            for (Map.Entry<String, Parameter> entry : model.namedParameters().entrySet()) {
                float[] values = new float[Math.toIntExact(entry.getValue().shape().size())];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) random.nextGaussian();
                }
                weights.put(entry.getKey(), values);
                shapes.put(entry.getKey(), entry.getValue().shape().getShape());
            }
        }
        writeSparse(checkpoint.resolve("model.safetensors"), shapes);
    }

    @Test
    void headerAcceptsOffsetsPastTwoGibibytes() throws IOException {
        assumeTrue(skipReason == null, skipReason);
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint.resolve("model.safetensors"))) {
            TensorInfo filler = file.tensors().get(FILLER);
            assertEquals(FILLER_BYTES, filler.dataEnd());
            for (String name : weights.keySet()) {
                TensorInfo info = file.tensors().get(name);
                assertTrue(info.dataBegin() > Integer.MAX_VALUE, name + " begins at " + info.dataBegin());
                assertTrue(file.fileOffset(name) > Integer.MAX_VALUE, name + " at file offset "
                        + file.fileOffset(name));
            }
        }
    }

    @Test
    void tensorPastTwoGibibytesReadsBack() throws IOException {
        assumeTrue(skipReason == null, skipReason);
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint.resolve("model.safetensors"))) {
            for (Map.Entry<String, float[]> entry : weights.entrySet()) {
                assertArrayEquals(entry.getValue(), file.read(entry.getKey()).toFloatArray(), 0f, entry.getKey());
            }
        }
    }

    @Test
    void tensorOfTwoGibibytesFailsToMap() throws IOException {
        assumeTrue(skipReason == null, skipReason);
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint.resolve("model.safetensors"))) {
            InvalidSafetensorsException e = assertThrows(InvalidSafetensorsException.class, () -> file.map(FILLER));
            assertTrue(e.getMessage().contains(Long.toString(FILLER_BYTES)), e.getMessage());
            assertTrue(e.getMessage().contains("2 GiB or more are not supported"), e.getMessage());
        }
    }

    @Test
    void modelLoadsWeightsPastTwoGibibytes() throws IOException {
        assumeTrue(skipReason == null, skipReason);
        try (BertModel model = BertModel.fromPretrained(checkpoint)) {
            assertTrue(model.loadReport().missingKeys().isEmpty(), "missing: " + model.loadReport().missingKeys());
            assertEquals(java.util.List.of(FILLER), model.loadReport().unexpectedKeys());
            for (Map.Entry<String, Parameter> entry : model.namedParameters().entrySet()) {
                assertArrayEquals(weights.get(entry.getKey()), entry.getValue().array().toFloatArray(), 0f,
                        entry.getKey());
            }
        }
    }

    @Test
    void hugeEndOffsetReportedExactly() throws IOException {
        // A header naming an end offset of 3e9 in a file of a few bytes: the message must carry the
        // 64-bit value, not one wrapped to a negative int.
        String header = "{\"big\":{\"dtype\":\"U8\",\"shape\":[3000000000],\"data_offsets\":[0,3000000000]}}";
        Path file = dir.resolve("short.safetensors");
        writeRaw(file, header, new byte[8]);
        InvalidSafetensorsException e = assertThrows(InvalidSafetensorsException.class,
                () -> SafetensorsFile.open(file).close());
        assertTrue(e.getMessage().contains("3000000000"), e.getMessage());
        assertTrue(e.getMessage().contains("past the end of the data"), e.getMessage());
    }

    /** Writes the filler, then every weight as F32 in state-dict order, leaving the filler unwritten. */
    private static void writeSparse(Path file, Map<String, long[]> shapes) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.set(FILLER, tensorEntry(json, "U8", new long[] {FILLER_BYTES}, 0, FILLER_BYTES));
        long offset = FILLER_BYTES;
        for (Map.Entry<String, long[]> entry : shapes.entrySet()) {
            long bytes = (long) weights.get(entry.getKey()).length * Float.BYTES;
            root.set(entry.getKey(), tensorEntry(json, "F32", entry.getValue(), offset, offset + bytes));
            offset += bytes;
        }
        byte[] header = paddedHeader(json.writeValueAsString(root));
        long dataStart = 8 + header.length;

        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.write(lengthPrefix(header.length));
            out.write(header);
            out.setLength(dataStart + offset);
            out.seek(dataStart + FILLER_BYTES);
            for (float[] values : weights.values()) {
                ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                buffer.asFloatBuffer().put(values);
                out.write(buffer.array());
            }
        }
    }

    private static ObjectNode tensorEntry(ObjectMapper json, String dtype, long[] shape, long begin, long end) {
        ObjectNode entry = json.createObjectNode();
        entry.put("dtype", dtype);
        entry.set("shape", json.valueToTree(shape));
        entry.set("data_offsets", json.valueToTree(new long[] {begin, end}));
        return entry;
    }

    /** Pads the header with spaces to a multiple of 8 bytes, so that the data section starts 8-byte aligned. */
    private static byte[] paddedHeader(String header) {
        byte[] bytes = header.getBytes(StandardCharsets.UTF_8);
        int padded = (bytes.length + 7) / 8 * 8;
        byte[] result = Arrays.copyOf(bytes, padded);
        Arrays.fill(result, bytes.length, padded, (byte) ' ');
        return result;
    }

    private static byte[] lengthPrefix(long length) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array();
    }

    private static void writeRaw(Path file, String header, byte[] data) throws IOException {
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + headerBytes.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(headerBytes.length).put(headerBytes).put(data);
        Files.write(file, buffer.array());
    }
}
