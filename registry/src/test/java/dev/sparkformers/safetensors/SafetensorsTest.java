package dev.sparkformers.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class SafetensorsTest {

    @TempDir
    Path dir;

    @Test
    void writtenFileReadsBack() throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("b.weight", TensorData.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        tensors.put("a.ids", TensorData.ofLongs(new long[] {7, 8}, 2));
        tensors.put("scalar", TensorData.ofFloats(new float[] {3.5f}));
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, tensors);

        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertEquals(Map.of("format", "pt"), read.metadata());
            // I64 comes first (wider dtypes first), then F32 tensors by name.
            assertEquals(List.of("a.ids", "b.weight", "scalar"), List.copyOf(read.tensors().keySet()));
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, read.read("b.weight").toFloatArray());
            assertArrayEquals(new long[] {2, 3}, read.read("b.weight").shape());
            assertArrayEquals(new long[] {7, 8}, read.read("a.ids").toLongArray());
            assertArrayEquals(new long[0], read.read("scalar").shape());
        }
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLength) % 8, "data starts 8-byte aligned");
    }

    @Test
    void halfPrecisionTypesConvert() {
        assertEquals(1.0f, DtypeConversions.halfToFloat((short) 0x3c00));
        assertEquals(-2.0f, DtypeConversions.halfToFloat((short) 0xc000));
        assertEquals(65504f, DtypeConversions.halfToFloat((short) 0x7bff));
        assertEquals(5.9604645e-8f, DtypeConversions.halfToFloat((short) 0x0001));
        assertTrue(Float.isInfinite(DtypeConversions.halfToFloat((short) 0x7c00)));
        assertTrue(Float.isNaN(DtypeConversions.halfToFloat((short) 0x7e00)));
        assertEquals(1.0f, DtypeConversions.bfloat16ToFloat((short) 0x3f80));
        assertEquals(-3.140625f, DtypeConversions.bfloat16ToFloat((short) 0xc049));
    }

    @Test
    void fileShorterThanLengthPrefixFails() throws IOException {
        Path file = dir.resolve("short.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertProblem(file, "fewer than the 8-byte header length");
    }

    @Test
    void zeroHeaderLengthFails() throws IOException {
        assertProblem(raw(0, "", new byte[0]), "header length is 0");
    }

    @Test
    void headerLengthPastEndOfFileFails() throws IOException {
        assertProblem(raw(4096, "{}", new byte[0]), "runs past the end of the file");
    }

    @Test
    void hugeHeaderLengthFailsWithoutAllocating() throws IOException {
        assertProblem(raw(Long.MAX_VALUE / 2, "{}", new byte[0]), "exceeds the limit");
        assertProblem(raw(-8, "{}", new byte[0]), "header length is -8");
    }

    @Test
    void headerThatIsNotJsonFails() throws IOException {
        assertProblem(file("{not json", new byte[0]), "header is not valid JSON");
    }

    @Test
    void headerThatIsNotAnObjectFails() throws IOException {
        assertProblem(file("[1,2,3]", new byte[0]), "header must be a JSON object, but is array");
    }

    @Test
    void duplicateKeysFail() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertProblem(file(header, new byte[4]), "Duplicate field 'a'");
    }

    @Test
    void unknownDtypeFails() throws IOException {
        assertProblem(file(tensor("w", "F8_E4M3", "[1]", 0, 1), new byte[1]), "unknown dtype 'F8_E4M3'");
    }

    @Test
    void negativeDimensionFails() throws IOException {
        assertProblem(file(tensor("w", "F32", "[-1]", 0, 4), new byte[4]), "non-negative 64-bit integer");
    }

    @Test
    void hugeDimensionsFailWithoutOverflow() throws IOException {
        assertProblem(file(tensor("w", "F32", "[4294967296, 4294967296]", 0, 4), new byte[4]), "overflows");
        assertProblem(file(tensor("w", "F32", "[1e300]", 0, 4), new byte[4]), "non-negative 64-bit integer");
    }

    @Test
    void shapeAndSpanDisagreeing() throws IOException {
        assertProblem(file(tensor("w", "F32", "[3]", 0, 8), new byte[8]), "needs 12 bytes, but its data_offsets");
    }

    @Test
    void spanOutsideFileFails() throws IOException {
        assertProblem(file(tensor("w", "F32", "[4]", 0, 16), new byte[8]), "the file is truncated");
    }

    @Test
    void truncatedDataFails() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafetensorsWriter.write(good, Map.of("w", TensorData.ofFloats(new float[100], 100)));
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertProblem(truncated, "the file is truncated");
    }

    @Test
    void overlappingSpansFail() throws IOException {
        String header = "{" + tensor("a", "F32", "[2]", 0, 8).substring(1, tensor("a", "F32", "[2]", 0, 8).length() - 1)
                + "," + tensor("b", "F32", "[2]", 4, 12).substring(1, tensor("b", "F32", "[2]", 4, 12).length() - 1) + "}";
        assertProblem(file(header, new byte[12]), "overlap");
    }

    @Test
    void gapsFail() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertProblem(file(header, new byte[12]), "gap of 4 bytes");
    }

    @Test
    void trailingBytesFail() throws IOException {
        assertProblem(file(tensor("w", "F32", "[1]", 0, 4), new byte[8]), "trailing bytes");
    }

    @Test
    void nonStringMetadataFails() throws IOException {
        assertProblem(file("{\"__metadata__\":{\"format\":1}}", new byte[0]), "must be a string");
    }

    @Test
    void shardedIndexResolvesShards() throws IOException {
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"),
                Map.of("a", TensorData.ofFloats(new float[] {1}, 1)));
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"),
                Map.of("b", TensorData.ofFloats(new float[] {2, 3}, 2)));
        index("{\"a\": \"model-00001-of-00002.safetensors\", \"b\": \"model-00002-of-00002.safetensors\"}");
        try (TensorSource source = Checkpoints.open(dir)) {
            assertEquals(List.of("a", "b"), List.copyOf(source.tensors().keySet()));
            assertEquals(3f, source.map("b").order(ByteOrder.LITTLE_ENDIAN).getFloat(4));
        }
    }

    @Test
    void shardNamesCannotEscapeTheDirectory() throws IOException {
        for (String name : List.of("../model.safetensors", "sub/../../x.safetensors", "/etc/passwd",
                "s3a://bucket/x.safetensors", "file:/tmp/x")) {
            index("{\"a\": \"" + name + "\"}");
            InvalidSafetensorsException e = assertThrows(InvalidSafetensorsException.class,
                    () -> ShardedSafetensors.open(dir.resolve(ShardedSafetensors.INDEX_FILE)), name);
            assertTrue(e.getMessage().contains("shards must be file names inside the checkpoint directory")
                    || e.getMessage().contains("resolves outside"), e.getMessage());
        }
    }

    @Test
    void missingShardFails() throws IOException {
        index("{\"a\": \"model-00001-of-00001.safetensors\"}");
        InvalidSafetensorsException e = assertThrows(InvalidSafetensorsException.class,
                () -> ShardedSafetensors.open(dir.resolve(ShardedSafetensors.INDEX_FILE)));
        assertTrue(e.getMessage().contains("is missing"), e.getMessage());
    }

    @Test
    void tensorListedTwiceFails() throws IOException {
        SafetensorsWriter.write(dir.resolve("s1.safetensors"), Map.of("a", TensorData.ofFloats(new float[] {1}, 1)));
        Files.writeString(dir.resolve(ShardedSafetensors.INDEX_FILE),
                "{\"weight_map\": {\"a\": \"s1.safetensors\", \"a\": \"s1.safetensors\"}}");
        InvalidSafetensorsException e = assertThrows(InvalidSafetensorsException.class,
                () -> ShardedSafetensors.open(dir.resolve(ShardedSafetensors.INDEX_FILE)));
        assertTrue(e.getMessage().contains("Duplicate field 'a'"), e.getMessage());
    }

    @Test
    void tensorStoredInTwoShardsFails() throws IOException {
        SafetensorsWriter.write(dir.resolve("s1.safetensors"), Map.of("a", TensorData.ofFloats(new float[] {1}, 1)));
        SafetensorsWriter.write(dir.resolve("s2.safetensors"), Map.of("a", TensorData.ofFloats(new float[] {1}, 1),
                "b", TensorData.ofFloats(new float[] {2}, 1)));
        index("{\"a\": \"s1.safetensors\", \"b\": \"s2.safetensors\"}");
        InvalidSafetensorsException e = assertThrows(InvalidSafetensorsException.class,
                () -> ShardedSafetensors.open(dir.resolve(ShardedSafetensors.INDEX_FILE)));
        assertTrue(e.getMessage().contains("stored in both"), e.getMessage());
    }

    @Test
    void pickleCheckpointIsRefusedWithConversionHint() throws IOException {
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Checkpoints.open(dir));
        assertTrue(e.getMessage().contains("safe_serialization=True"), e.getMessage());
    }

    @Test
    void directoryWithoutWeightsListsItsFiles() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Checkpoints.open(dir));
        assertTrue(e.getMessage().contains("[config.json]"), e.getMessage());
    }

    private void index(String weightMap) throws IOException {
        Files.writeString(dir.resolve(ShardedSafetensors.INDEX_FILE),
                "{\"metadata\": {\"total_size\": 12}, \"weight_map\": " + weightMap + "}");
    }

    private static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "{\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}}";
    }

    private Path file(String header, byte[] data) throws IOException {
        return raw(header.getBytes(StandardCharsets.UTF_8).length, header, data);
    }

    private Path raw(long declaredHeaderLength, String header, byte[] data) throws IOException {
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + headerBytes.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(declaredHeaderLength).put(headerBytes).put(data);
        Path file = Files.createTempFile(dir, "test", ".safetensors");
        Files.write(file, buffer.array());
        return file;
    }

    private static void assertProblem(Path file, String expected) {
        InvalidSafetensorsException e = assertThrows(InvalidSafetensorsException.class,
                () -> SafetensorsFile.open(file).close());
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
        assertTrue(e.getMessage().contains(file.toString()), "message names the file: " + e.getMessage());
    }
}
