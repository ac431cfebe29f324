package dev.sparkformers.udfs;

import org.apache.spark.sql.types.StructField;

import java.io.Serializable;
import java.util.List;

/**
 * The result columns a pipeline adds to each output row, and how one result fills them. Rows that
 * failed get nulls in these columns and an {@code error} value instead.
 *
 * @param <O> the pipeline's output type
 */
public interface OutputColumns<O> extends Serializable {

    /** The columns, in order. */
    List<StructField> fields();

    /** Writes {@code value} into {@code row} starting at {@code offset}, one slot per field. */
    void write(O value, Object[] row, int offset);
}
