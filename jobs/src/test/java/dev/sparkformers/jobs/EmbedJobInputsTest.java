package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The embed job on CSV and Parquet inputs whose columns are not called {@code id} and
 * {@code text}: two id columns ({@code collection}, {@code doc_id}) and the text in {@code body}.
 * Each output must keep both id columns by name and, joined on {@code doc_id}, match a JSON-lines
 * run of the same texts with the default columns.
 */
class EmbedJobInputsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> ID_COLUMNS = List.of("collection", "doc_id");
    private static final String TEXT_COLUMN = "body";

    /** Largest difference accepted between two runs over the same texts. */
    private static final double TOLERANCE = 1e-6;

    /** Texts with the characters CSV must quote: commas, double quotes and a line break. */
    private static final List<String> TEXTS = List.of(
            "A plain sentence about rivers.",
            "Commas, in the middle, of a sentence.",
            "She said \"hello\" and left.",
            "A text that spans\ntwo lines.",
            "Non-ASCII: café, naïve, Zürich, 東京.",
            "Short.",
            "The quick brown fox jumps over the lazy dog while the cat watches from the windowsill.",
            "Numbers 1, 2 and 3.5 appear here; so does a semicolon.",
            "'Single quotes' and a trailing comma,",
            "Last row of the test corpus.");

    @TempDir
    static Path dir;

    private static SparkSession spark;

    /** Embeddings of the JSON-lines run by {@code doc_id}. */
    private static Map<Long, List<Float>> reference;

    @BeforeAll
    static void embedJsonLines() throws IOException {
        spark = LocalSpark.get();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            lines.add(JSON.writeValueAsString(Map.of("id", docId(i), "text", TEXTS.get(i))));
        }
        Path input = Files.write(dir.resolve("reference.jsonl"), lines);
        String output = dir.resolve("reference-out").toString();
        EmbedJob.run(spark, EmbedOptions.defaults(input.toString(), output));

        reference = new HashMap<>();
        for (Row row : spark.read().parquet(output).collectAsList()) {
            reference.put(row.getLong(row.fieldIndex("id")), row.getList(row.fieldIndex("embedding")));
        }
        assertEquals(TEXTS.size(), reference.size());
    }

    @Test
    void csvWithRenamedColumnsMatchesJsonLines() throws IOException {
        StringBuilder csv = new StringBuilder("collection,doc_id,body,notes\n");
        for (int i = 0; i < TEXTS.size(); i++) {
            csv.append(collection(i)).append(',').append(docId(i)).append(',').append(quoted(TEXTS.get(i)))
                    .append(",unused\n");
        }
        Path input = Files.writeString(dir.resolve("corpus.csv"), csv);
        String output = dir.resolve("csv-out").toString();
        JobSummary summary = EmbedJob.run(spark, EmbedOptions.defaults(input.toString(), output)
                .withColumns(ID_COLUMNS, TEXT_COLUMN));

        assertEquals(TEXTS.size(), summary.rows());
        assertEquals(0, summary.errors());
        // Spark reads CSV columns as strings unless the inferSchema option is set, and JobInputs leaves it unset.
        checkOutput(output, row -> Long.parseLong(row.getString(row.fieldIndex("doc_id"))));
    }

    @Test
    void parquetWithRenamedColumnsMatchesJsonLines() throws IOException {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("collection", DataTypes.StringType, false),
                DataTypes.createStructField("doc_id", DataTypes.LongType, false),
                DataTypes.createStructField("body", DataTypes.StringType, false),
                DataTypes.createStructField("notes", DataTypes.StringType, true)));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            rows.add(RowFactory.create(collection(i), docId(i), TEXTS.get(i), "unused"));
        }
        String input = dir.resolve("corpus.parquet").toString();
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(input);

        String output = dir.resolve("parquet-out").toString();
        JobSummary summary = EmbedJob.run(spark, EmbedOptions.defaults(input, output)
                .withColumns(ID_COLUMNS, TEXT_COLUMN));

        assertEquals(TEXTS.size(), summary.rows());
        assertEquals(0, summary.errors());
        checkOutput(output, row -> row.getLong(row.fieldIndex("doc_id")));
    }

    /** Reads a row's {@code doc_id} as a number, whatever type the input gave the column. */
    private interface DocIdReader {
        long read(Row row);
    }

    private static void checkOutput(String output, DocIdReader docIds) throws IOException {
        List<Row> rows = spark.read().parquet(output).collectAsList();
        assertEquals(TEXTS.size(), rows.size());
        List<String> columns = Arrays.asList(rows.get(0).schema().fieldNames());
        assertEquals(List.of("collection", "doc_id", "embedding", "n_tokens", "truncated", "error"), columns);

        double max = 0;
        for (Row row : rows) {
            long docId = docIds.read(row);
            int index = (int) (docId - 1000);
            assertEquals(collection(index), row.getString(row.fieldIndex("collection")), "collection of " + docId);
            assertNull(row.get(row.fieldIndex("error")), "error of " + docId);

            List<Float> expected = reference.get(docId);
            assertNotNull(expected, "doc_id " + docId + " is not in the JSON-lines run");
            List<Float> actual = row.getList(row.fieldIndex("embedding"));
            assertEquals(expected.size(), actual.size());
            for (int h = 0; h < expected.size(); h++) {
                max = Math.max(max, Math.abs(actual.get(h) - expected.get(h)));
            }
        }
        System.out.printf("%s vs JSON lines: max |diff| %.3g%n", output, max);
        assertTrue(max <= TOLERANCE, output + ": embeddings differ from the JSON-lines run by " + max);

        for (Map<String, String> footer : footers(output)) {
            assertEquals(EmbedJob.LIBRARY_VERSION, footer.get("sparkformers.version"), footer.toString());
            assertEquals("mean", footer.get("sparkformers.pooling"), footer.toString());
        }
    }

    /** Reads the key-value metadata of every Parquet file in {@code output}, failing when there is none. */
    private static List<Map<String, String>> footers(String output) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of(output))) {
            files = listing.filter(path -> path.getFileName().toString().endsWith(".parquet")).toList();
        }
        assertFalse(files.isEmpty(), output + " contains no Parquet file");
        Configuration conf = new Configuration();
        List<Map<String, String>> footers = new ArrayList<>();
        for (Path file : files) {
            try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(file.toUri()), conf))) {
                footers.add(reader.getFooter().getFileMetaData().getKeyValueMetaData());
            }
        }
        return footers;
    }

    private static long docId(int index) {
        return 1000 + index;
    }

    private static String collection(int index) {
        return index % 2 == 0 ? "even" : "odd";
    }

    /** Quotes a CSV field as RFC 4180 does: inside double quotes, with each double quote doubled. */
    private static String quoted(String field) {
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
