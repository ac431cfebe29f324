package dev.sparkformers.udfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** Shipping a checkpoint from the driver in broadcast chunks, and the cache it lands in. */
class ShippedCheckpointTest {

    @TempDir
    static Path dir;

    private static JavaSparkContext spark;

    @BeforeAll
    static void startSpark() {
        spark = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("shipped-checkpoint-test")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void chunksReassembleOnEveryTask() throws Exception {
        Path checkpoint = checkpoint("model-a", 5 * 1024 * 1024 + 17);
        String fingerprint = ModelFingerprint.of(checkpoint);
        ShippedCheckpoint shipped = ShippedCheckpoint.broadcast(spark, checkpoint, fingerprint, 1 << 20);
        assertEquals(6 + 1 + 1, shipped.chunkCount(), "6 chunks of model.safetensors, one each for the others");

        Path cacheRoot = dir.resolve("cache-a");
        String cacheRootName = cacheRoot.toString();
        List<String> copies = spark.parallelize(IntStream.range(0, 8).boxed().toList(), 8)
                .map(i -> {
                    Path copy = shipped.localize(new CheckpointCache(Path.of(cacheRootName)));
                    return copy + " " + ModelFingerprint.of(copy);
                })
                .collect();
        shipped.destroy();

        assertEquals(1, copies.stream().distinct().count(), "every task sees the same copy: " + copies);
        Path copy = new CheckpointCache(cacheRoot).entry(fingerprint);
        assertEquals(copy + " " + fingerprint, copies.get(0));
        assertArrayEquals(Files.readAllBytes(checkpoint.resolve("model.safetensors")),
                Files.readAllBytes(copy.resolve("model.safetensors")));
        assertArrayEquals(Files.readAllBytes(checkpoint.resolve("sub/tokenizer.json")),
                Files.readAllBytes(copy.resolve("sub/tokenizer.json")));
        assertEquals(List.of(copy), entries(cacheRoot), "one entry and no partial copies");
    }

    @Test
    void wrongFingerprintLeavesNoEntry() throws Exception {
        Path checkpoint = checkpoint("model-b", 300_000);
        ShippedCheckpoint shipped = ShippedCheckpoint.broadcast(spark, checkpoint, "0".repeat(64), 64 * 1024);
        CheckpointCache cache = new CheckpointCache(dir.resolve("cache-b"));

        IOException e = assertThrows(IOException.class, () -> shipped.localize(cache));
        shipped.destroy();

        assertTrue(e.getMessage().contains("has SHA-256"), e.getMessage());
        assertEquals(List.of(), entries(cache.root()), "the failed copy is deleted");
        assertFalse(Files.exists(cache.entry("0".repeat(64))));
    }

    @Test
    void chunkSizeAboveTheLimitIsRejected() throws Exception {
        Path checkpoint = checkpoint("model-c", 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShippedCheckpoint.broadcast(
                spark, checkpoint, ModelFingerprint.of(checkpoint), ShippedCheckpoint.MAX_CHUNK_BYTES + 1));
        assertTrue(e.getMessage().contains("between 1 and"), e.getMessage());
    }

    @Test
    void failingWriterLeavesNoPartialCopy() throws Exception {
        CheckpointCache cache = new CheckpointCache(dir.resolve("cache-d"));
        IOException e = assertThrows(IOException.class, () -> cache.getOrCreate("id", "test files", staging -> {
            Files.writeString(staging.resolve("config.json"), "{}");
            throw new IOException("connection reset");
        }));
        assertEquals("connection reset", e.getMessage());
        assertEquals(List.of(), entries(cache.root()));

        Path entry = cache.getOrCreate("id", "test files", staging -> Files.writeString(staging.resolve("a"), "x"));
        assertEquals("x", Files.readString(entry.resolve("a")));
        Path again = cache.getOrCreate("id", "test files", staging -> {
            throw new AssertionError("an existing entry is not written again");
        });
        assertEquals(entry, again);
    }

    private static Path checkpoint(String name, int weightBytes) throws IOException {
        Path checkpoint = Files.createDirectories(dir.resolve(name));
        byte[] weights = new byte[weightBytes];
        new Random(weightBytes).nextBytes(weights);
        Files.write(checkpoint.resolve("model.safetensors"), weights);
        Files.writeString(checkpoint.resolve("config.json"), "{\"model_type\": \"bert\"}");
        Files.createDirectories(checkpoint.resolve("sub"));
        Files.writeString(checkpoint.resolve("sub/tokenizer.json"), "{\"version\": \"1.0\"}");
        return checkpoint;
    }

    private static List<Path> entries(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.toList();
        }
    }
}
