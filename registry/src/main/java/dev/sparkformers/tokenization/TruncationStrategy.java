package dev.sparkformers.tokenization;

/**
 * How an encode call shortens sequences that are longer than {@code maxLength}, as HuggingFace's
 * {@code truncation} argument of {@code tokenizer(...)}. The native tokenizer does the truncation,
 * and the special tokens that the post-processor adds ({@code [CLS]}, {@code [SEP]}) always stay.
 */
public enum TruncationStrategy {
    /** No truncation ({@code truncation=False}). */
    DO_NOT_TRUNCATE,
    /**
     * Remove tokens one at a time from the longer of the two texts of a pair, or from the only
     * text ({@code truncation=True} or {@code "longest_first"}).
     */
    LONGEST_FIRST,
    /** Remove tokens only from the first text; fails if that text is too short. */
    ONLY_FIRST,
    /** Remove tokens only from the second text of a pair; fails for a single text. */
    ONLY_SECOND
}
