package dev.sparkformers.udfs;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;

import java.util.List;

/**
 * One {@code embedding} column of type {@code array<float>} with non-null elements. The column
 * metadata records the dimension, so readers can check vectors without reading them.
 */
public final class EmbeddingColumns implements OutputColumns<float[]> {

    private static final long serialVersionUID = 1L;

    /** Column name. */
    public static final String EMBEDDING = "embedding";

    private final int dimension;

    public EmbeddingColumns(int dimension) {
        this.dimension = dimension;
    }

    @Override
    public List<StructField> fields() {
        Metadata metadata = new org.apache.spark.sql.types.MetadataBuilder().putLong("dimension", dimension).build();
        return List.of(DataTypes.createStructField(EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, false),
                true, metadata));
    }

    @Override
    public void write(float[] value, Object[] row, int offset) {
        if (value.length != dimension) {
            throw new IllegalStateException("Embedding has " + value.length + " values; the column holds " + dimension);
        }
        row[offset] = value;
    }
}
