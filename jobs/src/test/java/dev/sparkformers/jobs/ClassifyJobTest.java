package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkformers.pipelines.Classification;
import dev.sparkformers.pipelines.Pipelines;
import dev.sparkformers.pipelines.TextClassificationPipeline;
import dev.sparkformers.testing.TestCheckpoints;
import dev.sparkformers.udfs.ModelLocations;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The classify job end to end in local mode: a labels file with all-MiniLM-L6-v2, and a model head. */
class ClassifyJobTest {

    /** Example glosses per lexname in the labels file; the other glosses are classified. */
    private static final int EXAMPLES_PER_LABEL = 5;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = LocalSpark.get();
    }

    /**
     * Measures nearest-centroid accuracy on the WordNet glosses: the first {@value #EXAMPLES_PER_LABEL}
     * glosses of each lexname (in file order) define the label, and the rest are classified. The
     * accuracy is a measurement recorded in docs/classification.md; the test only checks that it is
     * far above chance (1 in 45 lexnames).
     */
    @Test
    void glossLexnamesByExampleGlosses() throws Exception {
        Map<String, List<String>> examples = new LinkedHashMap<>();
        Map<String, String> truth = new HashMap<>();
        List<String> inputLines = new ArrayList<>();
        for (String line : EmbedJobTest.sampleCorpus()) {
            JsonNode gloss = JSON.readTree(line);
            List<String> labelExamples = examples.computeIfAbsent(gloss.get("lexname").asText(), k -> new ArrayList<>());
            if (labelExamples.size() < EXAMPLES_PER_LABEL) {
                labelExamples.add(gloss.get("text").asText());
            } else {
                truth.put(gloss.get("id").asText(), gloss.get("lexname").asText());
                inputLines.add(line);
            }
        }
        ObjectNode labelsFile = JSON.createObjectNode();
        ObjectNode labels = labelsFile.putObject("labels");
        examples.forEach((label, texts) -> {
            ArrayNode array = labels.putArray(label);
            texts.forEach(array::add);
        });
        Path labelsPath = dir.resolve("lexnames.json");
        JSON.writeValue(labelsPath.toFile(), labelsFile);
        Path input = dir.resolve("glosses.jsonl");
        Files.write(input, inputLines);

        String output = dir.resolve("lexnames-out").toString();
        JobSummary summary = ClassifyJob.run(spark, ClassifyOptions.defaults(input.toString(), output,
                ModelLocations.DEFAULT_EMBEDDING_MODEL).withLabels(labelsPath.toString()).withTopK(3));
        assertEquals(inputLines.size(), summary.rows());
        assertEquals(0, summary.errors());

        List<Row> rows = spark.read().parquet(output).collectAsList();
        int correct = 0;
        int inTop3 = 0;
        for (Row row : rows) {
            String expected = truth.get(row.getString(row.fieldIndex("id")));
            String predicted = row.getString(row.fieldIndex("label"));
            Map<String, Float> scores = row.getJavaMap(row.fieldIndex("scores"));
            assertEquals(3, scores.size());
            assertEquals(scores.get(predicted), row.getFloat(row.fieldIndex("score")));
            correct += expected.equals(predicted) ? 1 : 0;
            inTop3 += scores.containsKey(expected) ? 1 : 0;
        }
        double accuracy = (double) correct / rows.size();
        double top3 = (double) inTop3 / rows.size();
        System.out.printf("Lexname accuracy with %d examples per label on %d glosses: %.4f (top-3 %.4f) in %.1f s%n",
                EXAMPLES_PER_LABEL, rows.size(), accuracy, top3, summary.seconds());
        assertTrue(accuracy > 0.1, "accuracy " + accuracy + " is near chance");
    }

    @Test
    void modelHeadGivesItsLabels() throws Exception {
        Path checkpoint = TestCheckpoints.copyGolden("tiny-bert-cls", dir.resolve("bert-cls"));
        TestCheckpoints.writeWordLevelTokenizer(checkpoint, 1000, 4);
        Path input = dir.resolve("head.jsonl");
        Files.write(input, List.of("{\"id\": 1, \"text\": \"w5 w6 w7\"}", "{\"id\": 2, \"text\": \"w100 w200\"}",
                "{\"id\": 3, \"text\": null}"));
        String output = dir.resolve("head-out").toString();
        JobSummary summary = ClassifyJob.run(spark, ClassifyOptions.defaults(input.toString(), output,
                checkpoint.toString()));
        assertEquals(3, summary.rows());
        assertEquals(1, summary.errors());

        StructType schema = spark.read().parquet(output).schema();
        assertEquals(DataTypes.StringType, schema.apply("label").dataType());
        assertEquals(DataTypes.FloatType, schema.apply("score").dataType());
        MapType scoresType = (MapType) schema.apply("scores").dataType();
        assertEquals(DataTypes.StringType, scoresType.keyType());
        assertEquals(DataTypes.FloatType, scoresType.valueType());
        for (Row row : spark.read().parquet(output).collectAsList()) {
            if (row.getLong(row.fieldIndex("id")) == 3) {
                assertEquals("text is null", row.getString(row.fieldIndex("error")));
                assertNull(row.get(row.fieldIndex("label")));
                continue;
            }
            Map<String, Float> scores = row.getJavaMap(row.fieldIndex("scores"));
            assertEquals(2, scores.size());
            assertEquals(1.0, scores.get("NEGATIVE") + scores.get("POSITIVE"), 1e-5);
            assertTrue(List.of("NEGATIVE", "POSITIVE").contains(row.getString(row.fieldIndex("label"))));
        }
    }

    /**
     * A text of 150 tokens, over twice the tiny head's 64 positions, classified in windows of 32
     * tokens sharing 8: the job's scores equal the pipeline's, run locally with the same windows,
     * and differ from the truncated text's.
     */
    @Test
    void modelHeadChunksLongTexts() throws Exception {
        Path checkpoint = TestCheckpoints.copyGolden("tiny-bert-cls", dir.resolve("bert-cls-chunked"));
        TestCheckpoints.writeWordLevelTokenizer(checkpoint, 1000, 4);
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            words.append('w').append((i * 37) % 900 + 5).append(' ');
        }
        String longText = words.toString().trim();
        Path input = dir.resolve("long.jsonl");
        Files.write(input, List.of(JSON.writeValueAsString(Map.of("id", 1, "text", longText)),
                "{\"id\": 2, \"text\": \"w5 w6 w7\"}"));

        String output = dir.resolve("chunked-out").toString();
        JobSummary summary = ClassifyJob.run(spark, ClassifyOptions.defaults(input.toString(), output,
                checkpoint.toString()).withChunking(new LongTextChunking(true, 32, 8, "max")));
        assertEquals(2, summary.rows());
        assertEquals(0, summary.errors());

        Map<String, Object> parameters = Map.of("chunk_long_texts", true, "chunk_window", 32, "chunk_stride", 8,
                "chunk_aggregation", "max", "top_k", "all");
        try (TextClassificationPipeline pipeline = (TextClassificationPipeline) Pipelines.create(
                TextClassificationPipeline.TASK, checkpoint)) {
            List<Classification> expected = pipeline.call(List.of(longText, "w5 w6 w7"), parameters);
            Classification truncated = pipeline.call(List.of(longText), Map.of("top_k", "all")).get(0);
            for (Row row : spark.read().parquet(output).collectAsList()) {
                Classification local = expected.get((int) row.getLong(row.fieldIndex("id")) - 1);
                Map<String, Float> scores = row.getJavaMap(row.fieldIndex("scores"));
                assertEquals(local.label(), row.getString(row.fieldIndex("label")));
                for (String label : List.of("NEGATIVE", "POSITIVE")) {
                    assertEquals(local.scores().get(label), scores.get(label), 1e-6, label);
                }
                assertFalse(row.getBoolean(row.fieldIndex("truncated")));
                if (row.getLong(row.fieldIndex("id")) == 1) {
                    assertEquals(152, row.getInt(row.fieldIndex("n_tokens")));
                    assertNotEquals(truncated.scores(), local.scores(), "windows change the scores");
                }
            }
        }
    }

    @Test
    void chunkOptionsWithoutChunkingFail() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new LongTextChunking(false, 32, null, null));
        assertEquals("--chunk-window, --chunk-stride and --chunk-aggregation apply only with --chunk-long-texts; add"
                + " it or remove them", error.getMessage());
        IllegalArgumentException stride = assertThrows(IllegalArgumentException.class,
                () -> new LongTextChunking(true, 32, 32, null));
        assertEquals("--chunk-stride 32 must be smaller than --chunk-window 32; use a smaller stride or a larger"
                + " window", stride.getMessage());
        IllegalArgumentException aggregation = assertThrows(IllegalArgumentException.class,
                () -> new LongTextChunking(true, null, null, "median"));
        assertEquals("chunk_aggregation must be mean or max, but is 'median'", aggregation.getMessage());
    }
}
