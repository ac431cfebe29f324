package dev.sparkformers.pipelines;

/**
 * The outcome of one input row of a pipeline run: a value, or the reason the row failed.
 *
 * @param value the output, or null when the row failed
 * @param error why the row failed, or null when it succeeded
 * @param numTokens tokens of the input before truncation; 0 when it was not tokenized
 * @param modelTokens tokens the model read for this row, after truncation
 * @param truncated whether the input was cut to the maximum length
 * @param <O> output type
 */
public record RowResult<O>(O value, String error, int numTokens, int modelTokens, boolean truncated) {

    public static <O> RowResult<O> success(O value, int numTokens, int modelTokens, boolean truncated) {
        return new RowResult<>(value, null, numTokens, modelTokens, truncated);
    }

    public static <O> RowResult<O> failure(String error, int numTokens, int modelTokens, boolean truncated) {
        return new RowResult<>(null, error, numTokens, modelTokens, truncated);
    }

    public boolean succeeded() {
        return error == null;
    }
}
