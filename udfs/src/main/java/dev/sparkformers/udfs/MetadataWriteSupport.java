package dev.sparkformers.udfs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Spark's Parquet write support with the footer entries of {@link MetadataParquetFormat} added. */
public class MetadataWriteSupport extends ParquetWriteSupport {

    /** Hadoop configuration key carrying the entries to the writers. */
    static final String METADATA_KEY = "sparkformers.parquet.footer.metadata";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public WriteSupport.WriteContext init(Configuration configuration) {
        WriteSupport.WriteContext context = super.init(configuration);
        String encoded = configuration.get(METADATA_KEY);
        if (encoded == null) {
            return context;
        }
        Map<String, String> extra = new HashMap<>(context.getExtraMetaData());
        try {
            extra.putAll(JSON.readValue(encoded, new TypeReference<Map<String, String>>() { }));
        } catch (IOException e) {
            throw new IllegalArgumentException("Invalid footer metadata in " + METADATA_KEY + ": " + encoded, e);
        }
        return new WriteSupport.WriteContext(context.getSchema(), extra);
    }
}
