package dev.sparkformers.udfs;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;

/**
 * Turns an input row into the input of a pipeline: the text of a column for most tasks, or a
 * prompt with a seed of its own for text generation.
 */
public interface RowInput extends Serializable {

    /**
     * Checks that {@code schema} has the columns this input reads.
     *
     * @throws IllegalArgumentException naming a missing column and the columns present
     */
    void check(StructType schema);

    /**
     * Returns the pipeline input of {@code row}.
     *
     * @throws IllegalArgumentException with the row's error value when the row has no usable
     *     input (for example {@code text is null}); the row is reported with it and not dropped
     */
    Object read(Row row);
}
