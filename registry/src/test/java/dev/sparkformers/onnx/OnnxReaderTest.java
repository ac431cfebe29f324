package dev.sparkformers.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.onnx.OnnxProtoWriter.Message;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Reads real, generated and hostile ONNX files. */
class OnnxReaderTest {

    /** Most bytes a rejected file may cause to be allocated; the hostile files declare gigabytes. */
    private static final long ALLOCATION_BUDGET = 16L << 20;

    @TempDir
    Path directory;

    @Test
    void readsMiniLmExport() throws Exception {
        OnnxModel model = OnnxReader.read(MiniLmFiles.onnx());

        OnnxGraph graph = model.graph();
        assertEquals(6, model.irVersion());
        assertEquals("pytorch", model.producerName());
        assertEquals("2.0.1", model.producerVersion());
        assertEquals(11L, model.opsetImports().get(""));
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"),
                graph.inputs().stream().map(OnnxValueInfo::name).toList());
        assertEquals(List.of("batch_size", "sequence_length"), graph.inputs().get(0).dims());
        assertEquals(OnnxDataType.INT64, graph.inputs().get(0).elementType());
        assertEquals(List.of("last_hidden_state"), graph.outputs().stream().map(OnnxValueInfo::name).toList());
        assertEquals(102, graph.initializers().size());
        assertArrayEquals(new long[] {30522, 384}, graph.initializers().get("embeddings.word_embeddings.weight").dims());
        assertArrayEquals(new long[] {384, 1536}, graph.initializers().get("onnx::MatMul_798").dims());
    }

    @Test
    void readsConstantAttributes() throws Exception {
        OnnxModel model = OnnxReader.read(MiniLmFiles.onnx());

        OnnxNode epsilon = model.graph().nodes().stream()
                .filter(node -> node.name().equals("/embeddings/LayerNorm/Constant_1")).findFirst().orElseThrow();
        OnnxTensor value = epsilon.attribute("value").orElseThrow().tensorValue();
        assertEquals(OnnxDataType.FLOAT, value.dataType());
        assertEquals(0, value.rank());
        assertEquals(9.99999996e-13f, (float) value.toDoubleArray()[0]);
        OnnxNode transpose = model.graph().nodes().stream()
                .filter(node -> node.name().equals("/encoder/layer.0/attention/self/Transpose")).findFirst().orElseThrow();
        assertEquals(List.of(0L, 2L, 1L, 3L), transpose.attribute("perm").orElseThrow().ints());
    }

    @Test
    void readsTypedDataLists() throws Exception {
        ByteBuffer packedFloats = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
        byte[] floats = new Message().int64(1, 2).int32(2, OnnxProtoWriter.FLOAT).string(8, "f")
                .message(4, packedFloats.array()).toBytes();
        byte[] longs = new Message().int64(1, 3).int32(2, OnnxProtoWriter.INT64).string(8, "i")
                .int64(7, -1).int64(7, 0).int64(7, 1L << 40).toBytes();
        // INT8 values sit in int32_data: 127, then -128 as a sign-extended 10-byte varint.
        byte[] int8 = new Message().int64(1, 2).int32(2, 3).string(8, "b")
                .message(5, new Message().raw(new byte[] {0x7f, (byte) 0x80, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}).toBytes())
                .toBytes();

        OnnxGraph graph = read(modelWith(floats, longs, int8)).graph();

        assertArrayEquals(new double[] {1.5, -2}, graph.initializers().get("f").toDoubleArray());
        assertArrayEquals(new long[] {-1, 0, 1L << 40}, graph.initializers().get("i").toLongArray());
        ByteBuffer bytes = graph.initializers().get("b").data();
        assertEquals(127, bytes.get(0));
        assertEquals(-128, bytes.get(1));
    }

    @Test
    void everyTruncationIsRejected() throws Exception {
        byte[] model = new TinyBertExport().build();
        read(model);

        for (int length = 0; length < model.length; length++) {
            byte[] truncated = Arrays.copyOf(model, length);
            InvalidOnnxException error = assertThrows(InvalidOnnxException.class, () -> read(truncated),
                    "model cut to " + length + " of " + model.length + " bytes");
            assertTrue(error.getMessage().startsWith("test.onnx: "), error.getMessage());
        }
    }

    @Test
    void truncatedMiniLmIsRejected() throws Exception {
        long size = Files.size(MiniLmFiles.onnx());
        Path truncated = directory.resolve("truncated.onnx");
        try (var input = Files.newInputStream(MiniLmFiles.onnx())) {
            Files.write(truncated, input.readNBytes((int) (size / 2)));
        }

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class, () -> OnnxReader.read(truncated));

        assertTrue(error.getMessage().startsWith(truncated.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("truncated"), error.getMessage());
    }

    @Test
    void filesThatAreNotProtobufAreRejected() {
        Random random = new Random(42);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        List<byte[]> files = List.of(
                "This is a text file, not an ONNX model.\n".getBytes(StandardCharsets.UTF_8),
                "{\"model\": {\"type\": \"WordPiece\"}}".getBytes(StandardCharsets.UTF_8),
                new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0},
                new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'},
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                new byte[1024],
                noise);

        for (byte[] file : files) {
            assertThrows(InvalidOnnxException.class, () -> read(file), () -> "file starting "
                    + Arrays.toString(Arrays.copyOf(file, Math.min(8, file.length))));
        }
    }

    @Test
    void emptyFileIsRejected() throws Exception {
        Path empty = Files.createFile(directory.resolve("empty.onnx"));

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class, () -> OnnxReader.read(empty));

        assertTrue(error.getMessage().contains("file is empty"), error.getMessage());
    }

    @Test
    void dimsDisagreeingWithDataAreRejected() {
        byte[] tensor = OnnxProtoWriter.rawTensor("w", OnnxProtoWriter.FLOAT, new long[] {2, 3}, new byte[20]);

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class, () -> read(modelWith(tensor)));

        assertTrue(error.getMessage().contains("initializer 'w' of type FLOAT and shape [2, 3] needs 24 bytes,"
                + " but its raw_data has 20"), error.getMessage());
    }

    @Test
    void typedDataCountDisagreeingWithDimsIsRejected() {
        byte[] tensor = new Message().int64(1, 2).int64(1, 3).int32(2, OnnxProtoWriter.INT64).string(8, "ids")
                .int64(7, 1).int64(7, 2).toBytes();

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class, () -> read(modelWith(tensor)));

        assertTrue(error.getMessage().contains("needs 6 values, but its int64_data has 2"), error.getMessage());
    }

    @Test
    void hugeDimsAreRejectedWithoutAllocating() {
        List<byte[]> tensors = List.of(
                // About 4 GiB declared, 8 bytes present.
                OnnxProtoWriter.rawTensor("big", OnnxProtoWriter.FLOAT, new long[] {1L << 30, 4}, new byte[8]),
                // An element count that overflows 64 bits.
                OnnxProtoWriter.rawTensor("overflow", OnnxProtoWriter.FLOAT, new long[] {1L << 40, 1L << 40},
                        new byte[8]),
                // A typed list that would decode into 1 GiB.
                new Message().int64(1, 1L << 28).int32(2, OnnxProtoWriter.FLOAT).string(8, "typed")
                        .message(4, new byte[8]).toBytes(),
                new Message().int64(1, -5).int32(2, OnnxProtoWriter.FLOAT).string(8, "negative").toBytes());

        for (byte[] tensor : tensors) {
            byte[] model = modelWith(tensor);
            long allocated = allocatedBytes(() -> assertThrows(InvalidOnnxException.class, () -> read(model)));
            assertTrue(allocated < ALLOCATION_BUDGET, "allocated " + allocated + " bytes");
        }
    }

    @Test
    void lengthPastEndIsRejectedWithoutAllocating() {
        // Field 7 (graph) declares 2^31 - 1 bytes but the file ends after 3.
        byte[] model = new Message().int64(1, 6).raw(new byte[] {0x3a, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, 0x07, 1, 2, 3}).toBytes();

        long allocated = allocatedBytes(() -> {
            InvalidOnnxException error = assertThrows(InvalidOnnxException.class, () -> read(model));
            assertTrue(error.getMessage().contains("truncated"), error.getMessage());
        });

        assertTrue(allocated < ALLOCATION_BUDGET, "allocated " + allocated + " bytes");
    }

    @Test
    void longNameIsRejected() {
        byte[] tensor = OnnxProtoWriter.rawTensor("n".repeat(ProtoInput.MAX_STRING_BYTES + 1), OnnxProtoWriter.FLOAT,
                new long[] {1}, new byte[4]);

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class, () -> read(modelWith(tensor)));

        assertTrue(error.getMessage().contains("TensorProto.name has length 65537 bytes"), error.getMessage());
    }

    @Test
    void tooManyDimensionsAreRejected() {
        Message tensor = new Message();
        for (int i = 0; i <= TensorProtoReader.MAX_RANK; i++) {
            tensor.int64(1, 1);
        }
        byte[] bytes = tensor.int32(2, OnnxProtoWriter.FLOAT).string(8, "deep").bytes(9, new byte[4]).toBytes();

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class, () -> read(modelWith(bytes)));

        assertTrue(error.getMessage().contains("more than 32 dimensions"), error.getMessage());
    }

    @Test
    void externalDataIsNotSupported() {
        byte[] location = new Message().string(1, "location").string(2, "weights.bin").toBytes();
        byte[] tensor = new Message().int64(1, 4).int32(2, OnnxProtoWriter.FLOAT).string(8, "w")
                .message(13, location).int32(14, 1).toBytes();

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class, () -> read(modelWith(tensor)));

        assertTrue(error.getMessage().contains("initializer 'w' stores its data in an external file ('weights.bin')"),
                error.getMessage());
        assertTrue(error.getMessage().contains("not supported"), error.getMessage());
    }

    @Test
    void wrongWireTypeIsRejected() {
        byte[] model = new Message().int64(1, 6).int64(7, 12).toBytes();

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class, () -> read(model));

        assertTrue(error.getMessage().contains("ModelProto.graph has protobuf wire type 0"), error.getMessage());
    }

    @Test
    void modelWithoutGraphIsRejected() {
        byte[] model = new Message().int64(1, 6).string(2, "pytorch")
                .message(8, new Message().string(1, "").int64(2, 11).toBytes()).toBytes();

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class, () -> read(model));

        assertTrue(error.getMessage().contains("has no graph"), error.getMessage());
    }

    @Test
    void sparseInitializerIsNotSupported() {
        byte[] graph = new Message().message(15, new byte[0]).toBytes();

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class,
                () -> read(OnnxProtoWriter.model(graph)));

        assertTrue(error.getMessage().contains("sparse initializers are not supported"), error.getMessage());
    }

    @Test
    void duplicateInitializerIsRejected() {
        byte[] tensor = OnnxProtoWriter.floatTensor("w", new long[] {1}, new float[] {1});

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class, () -> read(modelWith(tensor, tensor)));

        assertTrue(error.getMessage().contains("two initializers named 'w'"), error.getMessage());
    }

    private static OnnxModel read(byte[] model) throws InvalidOnnxException {
        return OnnxReader.read(ByteBuffer.wrap(model), "test.onnx");
    }

    private static byte[] modelWith(byte[]... initializers) {
        return OnnxProtoWriter.model(OnnxProtoWriter.graph(List.of(), List.of(initializers), List.of(), List.of()));
    }

    /** Returns the bytes this thread allocates while running {@code action}. */
    private static long allocatedBytes(Runnable action) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        action.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
