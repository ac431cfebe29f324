package dev.sparkformers.tokenization;

/**
 * How an encode call pads its sequences, as HuggingFace's {@code padding} argument of
 * {@code tokenizer(...)}.
 */
public enum PaddingStrategy {
    /** No padding, HuggingFace's default ({@code padding=False}). Batch rows keep their lengths. */
    DO_NOT_PAD,
    /** Pad every row to the longest row of the batch ({@code padding=True} or {@code "longest"}). */
    LONGEST,
    /**
     * Pad every row to {@code maxLength}, or to {@code model_max_length} when the call sets no
     * {@code maxLength} ({@code padding="max_length"}). Rows longer than that are not shortened
     * unless truncation is on.
     */
    MAX_LENGTH
}
