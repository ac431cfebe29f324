package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkformers.safetensors.SafetensorsFile;
import dev.sparkformers.udfs.PartitionSettings;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The embed job end to end in local mode, on the built-in model. */
class EmbedJobTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = LocalSpark.get();
    }

    @Test
    void sampleCorpusEmbedsEveryRow() throws Exception {
        Path input = writeLines("sample.jsonl", sampleCorpus().subList(0, 600));
        String output = dir.resolve("sample-out").toString();
        JobSummary summary = EmbedJob.run(spark, EmbedOptions.defaults(input.toString(), output));

        assertEquals(600, summary.rowsIn());
        assertEquals(600, summary.rows());
        assertEquals(0, summary.errors());
        assertTrue(summary.tokens() > 600 * 5);
        assertTrue(Files.exists(Path.of(output, JobSummary.FILE_NAME)));

        List<Row> rows = spark.read().parquet(output).collectAsList();
        assertEquals(600, rows.size());
        assertEquals(600, rows.stream().map(r -> r.getString(r.fieldIndex("id"))).distinct().count());
        for (Row row : rows) {
            List<Float> embedding = row.getList(row.fieldIndex("embedding"));
            assertEquals(384, embedding.size());
            double norm = 0;
            for (Float value : embedding) {
                norm += value * value;
            }
            assertEquals(1.0, Math.sqrt(norm), 1e-5);
            assertNull(row.get(row.fieldIndex("error")));
        }
    }

    @Test
    void duckDbReadsEmbeddingsAndFooterMetadata() throws Exception {
        Path input = writeLines("duck.jsonl", sampleCorpus().subList(0, 50));
        String output = dir.resolve("duck-out").toString();
        EmbedJob.run(spark, EmbedOptions.defaults(input.toString(), output));

        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            String files = "'" + output + "/*.parquet'";
            try (ResultSet result = statement.executeQuery("SELECT id, embedding, typeof(embedding) FROM read_parquet("
                    + files + ") ORDER BY id LIMIT 3")) {
                int rows = 0;
                while (result.next()) {
                    Array array = result.getArray(2);
                    Object[] values = (Object[]) array.getArray();
                    assertEquals(384, values.length);
                    assertTrue(values[0] instanceof Float, "DuckDB reads elements as " + values[0].getClass());
                    assertEquals("FLOAT[]", result.getString(3));
                    rows++;
                }
                assertEquals(3, rows);
            }
            Map<String, String> footer = new HashMap<>();
            try (ResultSet result = statement.executeQuery("SELECT DISTINCT decode(key), decode(value) FROM "
                    + "parquet_kv_metadata(" + files + ") WHERE decode(key) LIKE 'sparkformers.%'")) {
                while (result.next()) {
                    footer.put(result.getString(1), result.getString(2));
                }
            }
            assertEquals("builtin:all-MiniLM-L6-v2", footer.get("sparkformers.model"));
            assertEquals("mean", footer.get("sparkformers.pooling"));
            assertEquals("true", footer.get("sparkformers.normalize"));
            assertEquals("384", footer.get("sparkformers.dimension"));
            assertEquals(64, footer.get("sparkformers.model.sha256").length());
        }
    }

    @Test
    void referenceSentencesMatchSentenceTransformers() throws Exception {
        List<String> texts = referenceTexts();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            lines.add(JSON.writeValueAsString(Map.of("id", i, "text", texts.get(i))));
        }
        Path input = writeLines("reference.jsonl", lines);
        String output = dir.resolve("reference-out").toString();
        EmbedJob.run(spark, EmbedOptions.defaults(input.toString(), output));

        float[] expected;
        try (SafetensorsFile reference = SafetensorsFile.open(resource("minilm-reference/reference.safetensors"))) {
            expected = reference.read("sentence_embedding").toFloatArray();
        }
        double max = 0;
        for (Row row : spark.read().parquet(output).collectAsList()) {
            int id = (int) row.getLong(row.fieldIndex("id"));
            List<Float> embedding = row.getList(row.fieldIndex("embedding"));
            for (int h = 0; h < 384; h++) {
                max = Math.max(max, Math.abs(embedding.get(h) - expected[id * 384 + h]));
            }
        }
        System.out.printf("Spark embed job vs reference sentence_embedding: max |diff| %.3g%n", max);
        assertTrue(max <= 1e-5, "embeddings differ by " + max);
    }

    @Test
    void shuffledAndRepartitionedInputGivesTheSameEmbeddings() throws Exception {
        List<String> corpus = new ArrayList<>(sampleCorpus().subList(0, 300));
        Path ordered = writeLines("ordered.jsonl", corpus);
        Collections.shuffle(corpus, new Random(3));
        Path shuffled = writeLines("shuffled.jsonl", corpus);

        String first = dir.resolve("ordered-out").toString();
        String second = dir.resolve("shuffled-out").toString();
        EmbedJob.run(spark, EmbedOptions.defaults(ordered.toString(), first));
        EmbedJob.run(spark, EmbedOptions.defaults(shuffled.toString(), second)
                .withPartition(new PartitionSettings(37, 1500, 16), 5));

        Map<String, List<Float>> a = embeddingsById(first);
        Map<String, List<Float>> b = embeddingsById(second);
        assertEquals(a.keySet(), b.keySet());
        double max = 0;
        for (String id : a.keySet()) {
            for (int h = 0; h < 384; h++) {
                max = Math.max(max, Math.abs(a.get(id).get(h) - b.get(id).get(h)));
            }
        }
        assertTrue(max <= 1e-5, "embeddings changed by " + max + " after shuffling and repartitioning");
    }

    @Test
    void badRowsGetErrorsAndNoRowIsLost() throws Exception {
        List<String> lines = List.of(
                "{\"id\": 1, \"text\": \"A normal sentence.\"}",
                "{\"id\": 2, \"text\": null}",
                "{\"id\": 3}",
                "{\"id\": 4, \"text\": \"\"}",
                "{\"id\": 5, \"text\": \"   \"}",
                "{\"id\": 6, \"text\": \"" + "long text ".repeat(400) + "\"}",
                "{\"id\": 7, \"text\": \"control \\u0001\\u0002 characters and \\u202eright-to-left\\u202c\"}",
                "{\"id\": 8, \"text\": \"lone surrogate \\ud800 here\"}");
        Path input = writeLines("bad.jsonl", lines);
        String output = dir.resolve("bad-out").toString();
        JobSummary summary = EmbedJob.run(spark, EmbedOptions.defaults(input.toString(), output));

        assertEquals(8, summary.rows());
        Map<Long, Row> byId = new HashMap<>();
        for (Row row : spark.read().parquet(output).collectAsList()) {
            byId.put(row.getLong(row.fieldIndex("id")), row);
        }
        assertEquals(8, byId.size());
        assertEquals("text is null", byId.get(2L).getString(byId.get(2L).fieldIndex("error")));
        assertEquals("text is null", byId.get(3L).getString(byId.get(3L).fieldIndex("error")));
        assertNull(byId.get(2L).get(byId.get(2L).fieldIndex("embedding")));
        assertNull(byId.get(4L).get(byId.get(4L).fieldIndex("error")), "the empty string embeds like HF does");
        Row longRow = byId.get(6L);
        assertTrue(longRow.getBoolean(longRow.fieldIndex("truncated")));
        assertTrue(longRow.getInt(longRow.fieldIndex("n_tokens")) > 256);
        assertNotNull(byId.get(7L).get(byId.get(7L).fieldIndex("embedding")));
        // Spark's JSON reader turns a lone surrogate into U+FFFD, so the row embeds; it must still come out once.
        assertNotNull(byId.get(8L));
        assertEquals(2, summary.errors());
    }

    @Test
    void tooManyErrorsFailTheJob() throws Exception {
        Path input = writeLines("errors.jsonl", List.of("{\"id\": 1, \"text\": null}", "{\"id\": 2, \"text\": \"ok\"}"));
        JobFailedException e = assertThrows(JobFailedException.class, () -> EmbedJob.run(spark,
                EmbedOptions.defaults(input.toString(), dir.resolve("errors-out").toString()).withMaxErrorFraction(0.1)));
        assertTrue(e.getMessage().contains("1 of 2 rows failed"), e.getMessage());
    }

    @Test
    void plainTextLinesGetLineNumbers() throws Exception {
        Path input = dir.resolve("lines.txt");
        Files.writeString(input, "first line\nsecond line\n\nfourth line\n");
        String output = dir.resolve("lines-out").toString();
        EmbedJob.run(spark, EmbedOptions.defaults(input.toString(), output));
        Dataset<Row> rows = spark.read().parquet(output).orderBy("id");
        List<Long> ids = rows.select("id").as(org.apache.spark.sql.Encoders.LONG()).collectAsList();
        assertEquals(List.of(1L, 2L, 3L, 4L), ids);
    }

    @Test
    void existingOutputIsProtectedUnlessOverwriting() throws Exception {
        Path input = writeLines("small.jsonl", sampleCorpus().subList(0, 10));
        String output = dir.resolve("existing-out").toString();
        EmbedJob.run(spark, EmbedOptions.defaults(input.toString(), output));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbedJob.run(spark, EmbedOptions.defaults(input.toString(), output)));
        assertTrue(e.getMessage().contains("--mode overwrite"), e.getMessage());
        JobSummary again = EmbedJob.run(spark, EmbedOptions.defaults(input.toString(), output)
                .withMode(WriteMode.OVERWRITE));
        assertEquals(10, again.rows());
        assertEquals(10, spark.read().parquet(output).count());
    }

    @Test
    void appendKeepsOldRowsAndAddsNew() throws Exception {
        Path first = writeLines("append-1.jsonl", sampleCorpus().subList(0, 10));
        Path second = writeLines("append-2.jsonl", sampleCorpus().subList(10, 16));
        String output = dir.resolve("append-out").toString();
        EmbedJob.run(spark, EmbedOptions.defaults(first.toString(), output));
        Map<String, List<Float>> before = embeddingsById(output);
        byte[] secondBytes = Files.readAllBytes(second);
        long secondModified = Files.getLastModifiedTime(second).toMillis();

        IllegalArgumentException rejected = assertThrows(IllegalArgumentException.class,
                () -> EmbedJob.run(spark, EmbedOptions.defaults(second.toString(), output)));
        assertTrue(rejected.getMessage().contains("--mode append"), rejected.getMessage());
        assertEquals(10, spark.read().parquet(output).count(), "a rejected run must not write");

        JobSummary appended = EmbedJob.run(spark, EmbedOptions.defaults(second.toString(), output)
                .withMode(WriteMode.APPEND));
        assertEquals(6, appended.rowsIn(), "the summary counts only the appended rows");
        assertEquals(6, appended.rows());
        assertEquals(0, appended.errors());
        JsonNode written = JSON.readTree(Files.readString(Path.of(output, JobSummary.FILE_NAME)));
        assertEquals(6, written.get("rows").asLong(), "the summary file describes the latest run");

        assertEquals(16, spark.read().parquet(output).count());
        Map<String, List<Float>> after = embeddingsById(output);
        assertEquals(16, after.size(), "no id appears twice");
        for (Map.Entry<String, List<Float>> old : before.entrySet()) {
            assertEquals(old.getValue(), after.get(old.getKey()), "old row " + old.getKey() + " changed");
        }
        assertTrue(Files.isRegularFile(second), "the input is still there");
        assertTrue(java.util.Arrays.equals(secondBytes, Files.readAllBytes(second)), "the input is unchanged");
        assertEquals(secondModified, Files.getLastModifiedTime(second).toMillis());

        // Append adds every row of the input without deduplicating: appending an input again
        // repeats its ids. The incremental job is the one that replaces rows by id.
        EmbedJob.run(spark, EmbedOptions.defaults(second.toString(), output).withMode(WriteMode.APPEND));
        List<String> ids = spark.read().parquet(output).select("id").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
        assertEquals(22, ids.size());
        assertEquals(16, new java.util.HashSet<>(ids).size());
    }

    @Test
    void outputInsideInputIsRefused() throws Exception {
        Path input = Files.createDirectories(dir.resolve("corpus-dir"));
        Files.writeString(input.resolve("part.jsonl"), "{\"id\": 1, \"text\": \"x\"}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbedJob.run(spark,
                EmbedOptions.defaults(input.toString(), input.resolve("out").toString())
                        .withInputFormat(InputFormat.JSON)));
        assertTrue(e.getMessage().contains("overlaps the input"), e.getMessage());
    }

    @Test
    void missingColumnListsColumnsPresent() throws Exception {
        Path input = writeLines("columns.jsonl", List.of("{\"doc\": 1, \"body\": \"x\"}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbedJob.run(spark, EmbedOptions.defaults(input.toString(), dir.resolve("c-out").toString())));
        assertTrue(e.getMessage().contains("no id column 'id'"), e.getMessage());
        assertTrue(e.getMessage().contains("[body, doc]"), e.getMessage());
    }

    @Test
    void tokenEmbeddingsAreAnAlternativeOutput() throws Exception {
        Path input = writeLines("tokens.jsonl", List.of("{\"id\": 1, \"text\": \"Hello world!\"}"));
        String output = dir.resolve("tokens-out").toString();
        EmbedJob.run(spark, EmbedOptions.defaults(input.toString(), output).withTokenEmbeddings(true));
        Row row = spark.read().parquet(output).first();
        List<scala.collection.Seq<Float>> tokens = row.getList(row.fieldIndex("token_embeddings"));
        assertEquals(5, tokens.size(), "[CLS] hello world ! [SEP]");
        assertEquals(384, tokens.get(0).size());
    }

    /** Reads an output's embeddings by id, failing on a repeated id. */
    private static Map<String, List<Float>> embeddingsById(String output) {
        Map<String, List<Float>> result = new HashMap<>();
        for (Row row : spark.read().parquet(output).collectAsList()) {
            String id = row.getString(row.fieldIndex("id"));
            List<Float> previous = result.put(id, row.getList(row.fieldIndex("embedding")));
            assertNull(previous, "id " + id + " appears more than once in " + output);
        }
        return result;
    }

    static List<String> sampleCorpus() throws IOException {
        return Files.readAllLines(Path.of("..", "data", "wordnet-glosses", "glosses.jsonl"));
    }

    private static List<String> referenceTexts() throws IOException {
        JsonNode texts = JSON.readTree(Files.readString(resource("minilm-reference/texts.json"))).get("texts");
        List<String> result = new ArrayList<>();
        texts.forEach(t -> result.add(t.asText()));
        return result;
    }

    private static Path resource(String name) {
        try {
            return Path.of(EmbedJobTest.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path writeLines(String name, List<String> lines) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, lines);
        return file;
    }
}
