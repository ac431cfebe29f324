package dev.sparkformers.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads a job's corpus and checks its columns before any model work starts. */
public final class JobInputs {

    /** Id column of plain-text inputs. */
    public static final String LINE_ID = "id";

    /** Text column of plain-text inputs. */
    public static final String LINE_TEXT = "text";

    private JobInputs() {}

    /**
     * Reads {@code location} as {@code format}.
     *
     * @throws IOException if the input does not exist or holds no files
     */
    public static Dataset<Row> read(SparkSession spark, String location, InputFormat format) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path path = new Path(location);
        FileSystem fs = path.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(path);
        if (matches == null || matches.length == 0) {
            throw new IOException("Input " + location + " does not exist");
        }
        return switch (format) {
            case PARQUET -> spark.read().parquet(location);
            case JSON -> spark.read().json(location);
            case CSV -> spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"")
                    .csv(location);
            case TEXT -> readLines(spark, fs, matches);
        };
    }

    /**
     * Reads text files as one row per line with its 1-based line number. With several files, they
     * are numbered one after another in path order, so ids are stable from run to run.
     */
    private static Dataset<Row> readLines(SparkSession spark, FileSystem fs, FileStatus[] matches) throws IOException {
        List<String> files = new ArrayList<>();
        for (FileStatus match : matches) {
            if (match.isDirectory()) {
                for (FileStatus child : fs.listStatus(match.getPath())) {
                    String name = child.getPath().getName();
                    if (child.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                        files.add(child.getPath().toString());
                    }
                }
            } else {
                files.add(match.getPath().toString());
            }
        }
        files.sort(String::compareTo);
        if (files.isEmpty()) {
            throw new IOException("Input " + Arrays.toString(matches) + " holds no text files");
        }

        StructType schema = DataTypes.createStructType(new StructField[] {
            DataTypes.createStructField(LINE_ID, DataTypes.LongType, false),
            DataTypes.createStructField(LINE_TEXT, DataTypes.StringType, true)});
        JavaRDD<Row> all = null;
        long offset = 0;
        for (String file : files) {
            JavaRDD<String> lines = spark.read().textFile(file).javaRDD();
            long start = offset;
            JavaRDD<Row> numbered = lines.zipWithIndex().map(
                    (org.apache.spark.api.java.function.Function<scala.Tuple2<String, Long>, Row>) pair ->
                            RowFactory.create(start + pair._2() + 1, pair._1()));
            offset += lines.count();
            all = all == null ? numbered : all.union(numbered);
        }
        return spark.createDataFrame(all, schema);
    }

    /**
     * Checks that the id and text columns exist and that the text column holds strings.
     *
     * @throws IllegalArgumentException naming the missing column and listing the columns present
     */
    public static void checkColumns(StructType schema, List<String> idColumns, String textColumn) {
        if (schema.fields().length == 0) {
            throw new IllegalArgumentException("Input has no columns: it is empty, or holds no records Spark could "
                    + "read in the given format");
        }
        List<String> present = Arrays.asList(schema.fieldNames());
        for (String column : idColumns) {
            if (!present.contains(column)) {
                throw new IllegalArgumentException("Input has no id column '" + column + "'; its columns are "
                        + present + ". Pass --id-col with one of them");
            }
        }
        if (!present.contains(textColumn)) {
            throw new IllegalArgumentException("Input has no text column '" + textColumn + "'; its columns are "
                    + present + ". Pass --text-col with one of them");
        }
        var type = schema.apply(textColumn).dataType();
        if (!type.equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("Text column '" + textColumn + "' has type " + type.simpleString()
                    + "; it must hold strings");
        }
    }
}
