package dev.sparkformers.udfs;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.List;

/**
 * One {@code token_embeddings} column of type {@code array<array<float>>}: the last hidden state at
 * every real token, special tokens included, in order.
 */
public final class TokenEmbeddingColumns implements OutputColumns<float[][]> {

    private static final long serialVersionUID = 1L;

    /** Column name, sentence-transformers' name for this output. */
    public static final String TOKEN_EMBEDDINGS = "token_embeddings";

    @Override
    public List<StructField> fields() {
        return List.of(DataTypes.createStructField(TOKEN_EMBEDDINGS,
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), true));
    }

    @Override
    public void write(float[][] value, Object[] row, int offset) {
        row[offset] = value;
    }
}
