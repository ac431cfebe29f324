package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.pipelines.Pipelines;
import dev.sparkformers.pipelines.SentenceEmbeddingPipeline;
import dev.sparkformers.udfs.EmbeddingColumns;
import dev.sparkformers.udfs.ExecutorPipelines;
import dev.sparkformers.udfs.ModelHandle;
import dev.sparkformers.udfs.ModelLocations;
import dev.sparkformers.udfs.PartitionSettings;
import dev.sparkformers.udfs.PipelinePartitionFunction;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Job-level failures: each is reported with its cause and the fix, before or instead of any output. */
class EmbedJobFailureTest {

    @TempDir
    static Path dir;

    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = LocalSpark.get();
    }

    @Test
    void missingInputIsReported() {
        IOException e = assertThrows(IOException.class, () -> EmbedJob.run(spark,
                EmbedOptions.defaults(dir.resolve("absent.jsonl").toString(), dir.resolve("o1").toString())));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void emptyInputIsReported() throws IOException {
        Path input = Files.writeString(dir.resolve("empty.jsonl"), "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbedJob.run(spark,
                EmbedOptions.defaults(input.toString(), dir.resolve("o2").toString())));
        assertTrue(e.getMessage().contains("Input has no columns"), e.getMessage());
    }

    @Test
    void emptyParquetInputWritesNoRows() throws IOException {
        String input = dir.resolve("empty.parquet").toString();
        spark.sql("SELECT CAST(1 AS BIGINT) AS id, 'x' AS text WHERE false").write().parquet(input);
        String output = dir.resolve("o3").toString();
        JobSummary summary = EmbedJob.run(spark, EmbedOptions.defaults(input, output));
        assertEquals(0, summary.rows());
        assertEquals(0, spark.read().parquet(output).count());
    }

    @Test
    void nonStringTextColumnIsReported() throws IOException {
        Path input = Files.writeString(dir.resolve("numbers.jsonl"), "{\"id\": 1, \"text\": 42}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbedJob.run(spark,
                EmbedOptions.defaults(input.toString(), dir.resolve("o4").toString())));
        assertTrue(e.getMessage().contains("Text column 'text' has type bigint; it must hold strings"),
                e.getMessage());
    }

    @Test
    void unreadableModelIsReportedBeforeAnyWork() throws IOException {
        Path input = Files.writeString(dir.resolve("one.jsonl"), "{\"id\": 1, \"text\": \"x\"}\n");
        Path model = Files.createDirectories(dir.resolve("broken-model"));
        Files.writeString(model.resolve("config.json"), "{\"model_type\": \"bert\"}");
        IOException e = assertThrows(IOException.class, () -> EmbedJob.run(spark,
                EmbedOptions.defaults(input.toString(), dir.resolve("o5").toString()).withModel(model.toString())));
        assertTrue(e.getMessage().contains("is not usable"), e.getMessage());
        assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("o5")), "nothing is written");
    }

    @Test
    void modelUnreadableOnExecutorsFailsTheJobWithTheCause() {
        ModelHandle handle = new ModelHandle(dir.resolve("gone").toString(), "0", 0,
                Map.of("task", "sentence-embedding"));
        Broadcast<ModelHandle> broadcast = spark.sparkContext().broadcast(handle,
                scala.reflect.ClassTag$.MODULE$.apply(ModelHandle.class));
        Dataset<Row> input = spark.sql("SELECT CAST(id AS BIGINT) AS id, 'text' AS text FROM range(4)");
        PipelinePartitionFunction<float[]> function = new PipelinePartitionFunction<>(broadcast, input.schema(),
                List.of("id"), "text", Map.of(), new EmbeddingColumns(384), PartitionSettings.defaults(), null);
        Exception e = assertThrows(Exception.class,
                () -> input.mapPartitions(function, Encoders.row(function.outputSchema())).collectAsList());
        String cause = JobFailures.rootCause(e);
        assertTrue(cause.contains("gone") && cause.contains("does not exist"), cause);
    }

    @Test
    void outOfMemoryBatchesSplitInSparkJob() throws IOException {
        Pipelines.register(new OutOfMemoryAboveRowsPipeline.Factory());
        Path corpus = Files.write(dir.resolve("oom.jsonl"), EmbedJobTest.sampleCorpus().subList(0, 40));
        Dataset<Row> input = spark.read().json(corpus.toString()).select("id", "text").repartition(2);

        Map<String, float[]> plain = embed(input, SentenceEmbeddingPipeline.TASK);
        int failedBefore = OutOfMemoryAboveRowsPipeline.FAILED_BATCHES.get();
        Map<String, float[]> split = embed(input, OutOfMemoryAboveRowsPipeline.TASK);

        assertTrue(OutOfMemoryAboveRowsPipeline.FAILED_BATCHES.get() > failedBefore,
                "no batch ran out of memory, so the split was never exercised");
        assertTrue(OutOfMemoryAboveRowsPipeline.MAX_BATCH_FORWARDED.get()
                <= OutOfMemoryAboveRowsPipeline.ROWS_THAT_FIT, "a batch too large went through the model");
        assertEquals(plain.keySet(), split.keySet(), "every row comes out once");
        double max = 0;
        for (String id : plain.keySet()) {
            for (int h = 0; h < 384; h++) {
                max = Math.max(max, Math.abs(plain.get(id)[h] - split.get(id)[h]));
            }
        }
        assertTrue(max <= 1e-5, "embeddings of split batches differ by " + max);
    }

    /** Runs {@code task} over {@code input} through the partition function; every row must succeed once. */
    private static Map<String, float[]> embed(Dataset<Row> input, String task) {
        ModelHandle handle = new ModelHandle(ModelLocations.DEFAULT_EMBEDDING_MODEL, "builtin", 0,
                Map.of(ExecutorPipelines.TASK_SETTING, task));
        Broadcast<ModelHandle> broadcast = spark.sparkContext().broadcast(handle,
                scala.reflect.ClassTag$.MODULE$.apply(ModelHandle.class));
        PipelinePartitionFunction<float[]> function = new PipelinePartitionFunction<>(broadcast, input.schema(),
                List.of("id"), "text", Map.of(), new EmbeddingColumns(384), PartitionSettings.defaults(), null);
        List<Row> rows = input.mapPartitions(function, Encoders.row(function.outputSchema())).collectAsList();

        assertEquals(40, rows.size());
        Map<String, float[]> embeddings = new HashMap<>();
        for (Row row : rows) {
            String id = row.getString(row.fieldIndex("id"));
            assertNull(row.get(row.fieldIndex("error")), "row " + id + " failed");
            List<Float> values = row.getList(row.fieldIndex("embedding"));
            float[] embedding = new float[values.size()];
            for (int h = 0; h < embedding.length; h++) {
                embedding[h] = values.get(h);
            }
            assertNull(embeddings.put(id, embedding), "row " + id + " came out twice");
        }
        return embeddings;
    }
}
