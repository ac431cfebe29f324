package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.hub.BuiltinModels;
import dev.sparkformers.udfs.CheckpointCache;
import dev.sparkformers.udfs.ExecutorModelCache;
import dev.sparkformers.udfs.ModelFingerprint;
import dev.sparkformers.udfs.PartitionSettings;
import dev.sparkformers.udfs.ShippedCheckpoint;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How the model reaches the executors: loaded once per JVM however many tasks use it, and shipped
 * from the driver with {@code --ship-model}.
 */
class ModelDistributionTest {

    @TempDir
    static Path dir;

    private static SparkSession spark;

    private static Path corpus;

    @BeforeAll
    static void setUp() throws IOException {
        spark = LocalSpark.get();
        corpus = dir.resolve("corpus.jsonl");
        Files.write(corpus, EmbedJobTest.sampleCorpus().subList(0, 80));
    }

    @Test
    void twentyPartitionsLoadTheModelOnce() throws Exception {
        // A copy at a new location has a cache key that no other test in this JVM has loaded.
        Path model = copyOfBuiltinModel("twenty-partitions-model");
        long loadsBefore = ExecutorModelCache.get().totalLoads();

        JobSummary summary = EmbedJob.run(spark, EmbedOptions.defaults(corpus.toString(),
                dir.resolve("twenty-out").toString()).withModel(model.toString())
                .withPartition(new PartitionSettings(8, 1024, 16), 20));

        assertEquals(80, summary.rows());
        try (Stream<Path> files = Files.list(dir.resolve("twenty-out"))) {
            assertEquals(20, files.filter(p -> p.getFileName().toString().startsWith("part-")).count(),
                    "round-robin repartitioning gives each of the 20 tasks rows, and each writes one file");
        }
        assertEquals(1, ExecutorModelCache.get().totalLoads() - loadsBefore,
                "20 tasks on local[2] share one load of the model");

        EmbedJob.run(spark, EmbedOptions.defaults(corpus.toString(), dir.resolve("twenty-again").toString())
                .withModel(model.toString()).withPartition(new PartitionSettings(8, 1024, 16),
                        20));
        assertEquals(1, ExecutorModelCache.get().totalLoads() - loadsBefore,
                "a second job on the same model reuses the loaded model");
    }

    @Test
    void shippedModelGivesTheSameEmbeddings() throws Exception {
        Path model = copyOfBuiltinModel("shipped-model");
        String fingerprint = ModelFingerprint.of(model);
        Path cacheEntry = CheckpointCache.inDefaultDirectory(ShippedCheckpoint.CACHE_AREA).entry(fingerprint);
        deleteRecursively(cacheEntry);
        long loadsBefore = ExecutorModelCache.get().totalLoads();

        String shippedOutput = dir.resolve("shipped-out").toString();
        JobSummary summary = EmbedJob.run(spark, EmbedOptions.defaults(corpus.toString(), shippedOutput)
                .withModel(model.toString()).withShipModel(true)
                .withPartition(new PartitionSettings(16, 2048, 32), 12));

        assertEquals(80, summary.rows());
        assertEquals(0, summary.errors());
        assertEquals(1, ExecutorModelCache.get().totalLoads() - loadsBefore, "12 tasks share one load");
        assertTrue(Files.isDirectory(cacheEntry), "the shipped files landed in the local cache at " + cacheEntry);
        assertEquals(fingerprint, ModelFingerprint.of(cacheEntry));
        try (Stream<Path> siblings = Files.list(cacheEntry.getParent())) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".partial-")),
                    "no partial copy is left in " + cacheEntry.getParent());
        }

        String plainOutput = dir.resolve("builtin-out").toString();
        EmbedJob.run(spark, EmbedOptions.defaults(corpus.toString(), plainOutput));
        Map<String, List<Float>> shipped = embeddings(shippedOutput);
        Map<String, List<Float>> plain = embeddings(plainOutput);
        assertEquals(plain.keySet(), shipped.keySet());
        double max = 0;
        for (String id : plain.keySet()) {
            for (int h = 0; h < 384; h++) {
                max = Math.max(max, Math.abs(plain.get(id).get(h) - shipped.get(id).get(h)));
            }
        }
        assertTrue(max <= 1e-5, "shipped and built-in model embeddings differ by " + max);
    }

    private static Map<String, List<Float>> embeddings(String output) {
        Map<String, List<Float>> result = new HashMap<>();
        for (Row row : spark.read().parquet(output).collectAsList()) {
            result.put(row.getString(row.fieldIndex("id")), row.getList(row.fieldIndex("embedding")));
        }
        return result;
    }

    private static Path copyOfBuiltinModel(String name) throws IOException {
        Path source = BuiltinModels.defaultEmbeddingModel();
        Path target = dir.resolve(name);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path destination = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(file, destination);
                }
            }
        }
        return target;
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }
}
