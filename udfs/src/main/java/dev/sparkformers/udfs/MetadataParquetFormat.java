package dev.sparkformers.udfs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.hadoop.mapreduce.Job;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.types.StructType;

import java.util.Map;

/**
 * Spark's Parquet writer with extra key-value entries in every file footer, where any Parquet
 * reader (pyarrow's {@code read_metadata}, DuckDB's {@code parquet_kv_metadata}) finds them.
 *
 * <p>Spark has no option for footer entries, so this format subclasses Spark's own and swaps in
 * {@link MetadataWriteSupport}, which adds the entries passed in the write option
 * {@value #METADATA_OPTION} (a JSON object of strings). Files are otherwise exactly what
 * {@code format("parquet")} writes, and read back with it. Use it as
 * {@code df.write().format(MetadataParquetFormat.class.getName()).option(METADATA_OPTION, json)}.
 */
public class MetadataParquetFormat extends ParquetFileFormat {

    private static final long serialVersionUID = 1L;

    /** Write option holding the footer entries as a JSON object of strings. */
    public static final String METADATA_OPTION = "sparkformers.footer.metadata";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Encodes footer entries for {@link #METADATA_OPTION}. */
    public static String encode(Map<String, String> entries) {
        try {
            return JSON.writeValueAsString(entries);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot encode footer metadata " + entries, e);
        }
    }

    @Override
    public String shortName() {
        return "sparkformers-parquet";
    }

    @Override
    public OutputWriterFactory prepareWrite(SparkSession sparkSession, Job job,
            scala.collection.immutable.Map<String, String> options, StructType dataSchema) {
        OutputWriterFactory factory = super.prepareWrite(sparkSession, job, options, dataSchema);
        if (options.contains(METADATA_OPTION)) {
            job.getConfiguration().set(MetadataWriteSupport.METADATA_KEY, options.apply(METADATA_OPTION));
            ParquetOutputFormat.setWriteSupportClass(job, MetadataWriteSupport.class);
        }
        return factory;
    }
}
