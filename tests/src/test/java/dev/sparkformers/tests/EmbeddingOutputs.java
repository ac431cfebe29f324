package dev.sparkformers.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reads an embed job's Parquet output with DuckDB, a reader independent of Spark. */
final class EmbeddingOutputs {

    private EmbeddingOutputs() {}

    /** Embeddings by id; fails on a duplicate id. */
    static Map<String, float[]> read(Path output) throws SQLException {
        Map<String, float[]> embeddings = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT CAST(id AS VARCHAR), embedding FROM read_parquet('"
                        + output + "/*.parquet')")) {
            while (rows.next()) {
                String id = rows.getString(1);
                Array array = rows.getArray(2);
                Object[] values = array == null ? new Object[0] : (Object[]) array.getArray();
                float[] embedding = new float[values.length];
                for (int i = 0; i < values.length; i++) {
                    embedding[i] = (Float) values[i];
                }
                if (embeddings.put(id, embedding) != null) {
                    throw new AssertionError("Output " + output + " holds id " + id + " more than once");
                }
            }
        }
        return embeddings;
    }

    /** Number of rows, counted by DuckDB. */
    static long count(Path output) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM read_parquet('" + output
                        + "/*.parquet')")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Returns the largest absolute difference between two outputs with the same ids. */
    static double maxDifference(Map<String, float[]> expected, Map<String, float[]> actual) {
        if (!expected.keySet().equals(actual.keySet())) {
            throw new AssertionError("Outputs have different ids: " + expected.size() + " and " + actual.size()
                    + " rows");
        }
        double max = 0;
        for (Map.Entry<String, float[]> entry : expected.entrySet()) {
            float[] a = entry.getValue();
            float[] b = actual.get(entry.getKey());
            if (a.length != b.length) {
                throw new AssertionError("Id " + entry.getKey() + " has " + a.length + " and " + b.length + " values");
            }
            for (int i = 0; i < a.length; i++) {
                max = Math.max(max, Math.abs(a[i] - b[i]));
            }
        }
        return max;
    }

    /** Lists every file under {@code output}, as paths relative to it. */
    static List<String> files(Path output) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(output)) {
            paths.filter(path -> !path.equals(output)).forEach(path -> names.add(output.relativize(path).toString()
                    + (Files.isDirectory(path) ? "/" : "")));
        }
        names.sort(String::compareTo);
        return names;
    }

    /**
     * Files that a finished job must not leave: anything but data files, their checksums, the
     * success marker and the job summary.
     */
    static List<String> leftovers(Path output) throws IOException {
        List<String> leftovers = new ArrayList<>();
        for (String name : files(output)) {
            String file = name.startsWith(".") ? name.substring(1) : name;
            file = file.endsWith(".crc") ? file.substring(0, file.length() - 4) : file;
            boolean expected = (file.startsWith("part-") && file.endsWith(".parquet")) || file.equals("_SUCCESS")
                    || file.equals("_sparkformers_summary.json");
            if (!expected) {
                leftovers.add(name);
            }
        }
        return leftovers;
    }
}
