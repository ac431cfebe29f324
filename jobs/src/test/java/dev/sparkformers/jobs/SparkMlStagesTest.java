package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.pipelines.Classification;
import dev.sparkformers.pipelines.Pipelines;
import dev.sparkformers.pipelines.TextClassificationPipeline;
import dev.sparkformers.testing.TestCheckpoints;
import dev.sparkformers.udfs.Sparkformers;
import dev.sparkformers.udfs.ml.TextClassifier;
import dev.sparkformers.udfs.ml.TextEmbedder;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The Spark ML stages and the SQL functions on all-MiniLM-L6-v2, in local mode. */
class SparkMlStagesTest {

    private static final String LABELS = """
            labels:
              animal: [a kind of dog, a large wild cat, a bird of prey]
              plant: [a flowering shrub, a tall tree with needles, a kind of grass]
              person: [someone who teaches, a person who writes books, a skilled worker]
            """;

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static Path corpusFile;

    @BeforeAll
    static void setUp() throws Exception {
        spark = LocalSpark.get();
        corpusFile = dir.resolve("corpus.jsonl");
        List<String> lines = new java.util.ArrayList<>(EmbedJobTest.sampleCorpus().subList(0, 40));
        lines.add("{\"id\": \"null-text\", \"text\": null}");
        Files.write(corpusFile, lines);
    }

    private static Dataset<Row> corpus() {
        return spark.read().json(corpusFile.toString()).select("id", "text", "lexname");
    }

    @Test
    void pipelineModelSavesReloadsAndMatches() throws Exception {
        TextEmbedder embedder = new TextEmbedder().setInputCol("text").setOutputCol("vector").setErrorCol("embed_error");
        TextClassifier classifier = new TextClassifier().setInputCol("text").setLabels(LABELS).setOutputCol("topic")
                .setTopK(2);
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {embedder, classifier}).fit(corpus());
        List<Row> before = model.transform(corpus()).orderBy("id").collectAsList();

        String path = dir.resolve("pipeline-model").toString();
        model.write().overwrite().save(path);
        assertTrue(metadata(Path.of(path, "stages", "0_" + embedder.uid(), "metadata"))
                .contains("builtin:all-MiniLM-L6-v2"), "the model is saved by location");
        PipelineModel reloaded = PipelineModel.load(path);
        assertInstanceOf(TextEmbedder.class, reloaded.stages()[0]);
        assertInstanceOf(TextClassifier.class, reloaded.stages()[1]);
        assertEquals("vector", ((TextEmbedder) reloaded.stages()[0]).getOrDefault(embedder.outputCol()));
        List<Row> after = reloaded.transform(corpus()).orderBy("id").collectAsList();

        assertEquals(41, before.size());
        assertEquals(before, after);
        Row first = before.get(0);
        assertEquals(List.of("id", "text", "lexname", "vector", "embed_error", "topic", "score", "scores"),
                List.of(first.schema().fieldNames()));
        assertEquals(384, first.getList(first.fieldIndex("vector")).size());
        assertEquals(2, first.getJavaMap(first.fieldIndex("scores")).size());
        for (Row row : before) {
            if (row.getString(row.fieldIndex("id")).equals("null-text")) {
                assertNull(row.get(row.fieldIndex("vector")));
                assertEquals("text is null", row.getString(row.fieldIndex("embed_error")));
            }
        }
    }

    /** A classifier stage with windows keeps its chunk Params through save and load and classifies as the pipeline. */
    @Test
    void classifierChunkParamsSaveAndApply() throws Exception {
        Path checkpoint = TestCheckpoints.copyGolden("tiny-bert-cls", dir.resolve("bert-cls-stage"));
        TestCheckpoints.writeWordLevelTokenizer(checkpoint, 1000, 4);
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            words.append('w').append((i * 37) % 900 + 5).append(' ');
        }
        String longText = words.toString().trim();

        TextClassifier classifier = new TextClassifier().setModel(checkpoint.toString()).setChunkLongTexts(true)
                .setChunkWindow(32).setChunkStride(8).setChunkAggregation("max");
        String path = dir.resolve("chunked-classifier").toString();
        classifier.write().overwrite().save(path);
        TextClassifier loaded = TextClassifier.load(path);
        assertEquals(true, loaded.getOrDefault(loaded.chunkLongTexts()));
        assertEquals(32, loaded.getOrDefault(loaded.chunkWindow()));
        assertEquals(8, loaded.getOrDefault(loaded.chunkStride()));
        assertEquals("max", loaded.getOrDefault(loaded.chunkAggregation()));

        Dataset<Row> texts = spark.createDataset(List.of(longText), Encoders.STRING()).toDF("text");
        Row row = loaded.transform(texts).collectAsList().get(0);
        try (TextClassificationPipeline pipeline = (TextClassificationPipeline) Pipelines.create(
                TextClassificationPipeline.TASK, checkpoint)) {
            Classification expected = pipeline.call(List.of(longText), Map.of("chunk_long_texts", true,
                    "chunk_window", 32, "chunk_stride", 8, "chunk_aggregation", "max", "top_k", "all")).get(0);
            assertEquals(expected.label(), row.getString(row.fieldIndex("label")));
            Map<String, Float> scores = row.getJavaMap(row.fieldIndex("scores"));
            assertEquals(expected.scores().get("NEGATIVE"), scores.get("NEGATIVE"), 1e-6);
            assertEquals(expected.scores().get("POSITIVE"), scores.get("POSITIVE"), 1e-6);
        }
    }

    /** The text of a stage's metadata files, whose names Spark generates. */
    private static String metadata(Path directory) throws Exception {
        StringBuilder text = new StringBuilder();
        try (var files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
                text.append(Files.readString(file));
            }
        }
        return text.toString();
    }

    @Test
    void sqlFunctionsMatchEmbedJobAndClassifier() throws Exception {
        String output = dir.resolve("embed-job").toString();
        EmbedJob.run(spark, EmbedOptions.defaults(corpusFile.toString(), output));
        Map<String, List<Float>> fromJob = new HashMap<>();
        for (Row row : spark.read().parquet(output).collectAsList()) {
            fromJob.put(row.getString(row.fieldIndex("id")), row.getList(row.fieldIndex("embedding")));
        }

        Sparkformers.registerFunctions(spark, Sparkformers.FunctionSettings.defaults().withClassifier(null, LABELS));
        corpus().createOrReplaceTempView("corpus");
        List<Row> rows = spark.sql("SELECT id, embed(text) AS embedding, classify(text).label AS label, "
                + "classify(text).scores AS scores FROM corpus").collectAsList();
        assertEquals(41, rows.size());

        Map<String, String> classifierLabels = new HashMap<>();
        TextClassifier classifier = new TextClassifier().setLabels(LABELS);
        for (Row row : classifier.transform(corpus()).collectAsList()) {
            classifierLabels.put(row.getString(row.fieldIndex("id")), row.getString(row.fieldIndex("label")));
        }

        for (Row row : rows) {
            String id = row.getString(0);
            if (id.equals("null-text")) {
                assertNull(row.get(1));
                continue;
            }
            List<Float> sql = row.getList(1);
            List<Float> job = fromJob.get(id);
            assertEquals(job.size(), sql.size());
            // One text per call against padded batches: equal to float rounding.
            for (int d = 0; d < job.size(); d++) {
                assertEquals(job.get(d), sql.get(d), 1e-5, "id " + id + " dimension " + d);
            }
            assertEquals(classifierLabels.get(id), row.getString(2), "id " + id);
            assertEquals(3, row.getJavaMap(3).size());
        }
    }
}
