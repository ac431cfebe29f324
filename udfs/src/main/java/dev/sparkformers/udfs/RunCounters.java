package dev.sparkformers.udfs;

import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

import java.io.Serializable;

/**
 * Counts of a job run, kept in Spark accumulators. The pipeline function runs in the job's final
 * (writing) stage, whose accumulator updates Spark applies once per partition even when tasks
 * are retried.
 *
 * @param rows rows processed
 * @param errors rows with an error value
 * @param truncated rows whose input was truncated
 * @param modelTokens tokens the model read, after truncation
 * @param inputTokens tokens of the inputs before truncation
 * @param paddedTokens tokens of the model calls including padding (rows times the longest row)
 */
public record RunCounters(LongAccumulator rows, LongAccumulator errors, LongAccumulator truncated,
        LongAccumulator modelTokens, LongAccumulator inputTokens, LongAccumulator paddedTokens)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Registers fresh accumulators with {@code context}. */
    public static RunCounters register(SparkContext context) {
        return new RunCounters(context.longAccumulator("sparkformers.rows"),
                context.longAccumulator("sparkformers.errors"),
                context.longAccumulator("sparkformers.truncated"),
                context.longAccumulator("sparkformers.model_tokens"),
                context.longAccumulator("sparkformers.input_tokens"),
                context.longAccumulator("sparkformers.padded_tokens"));
    }
}
