package dev.sparkformers.pipelines;

/**
 * One generated continuation, HuggingFace's {@code {"generated_text": ...}} with the new token ids
 * and why generation stopped.
 *
 * @param generatedText the prompt followed by the new text ({@code return_full_text=true}, the
 *     default), or the new text alone
 * @param generatedIds the new token ids, up to and including the end-of-sequence token when one
 *     was generated; the padding that fills finished rows is left out
 * @param finishReason {@link #EOS} when an end-of-sequence token ended it, else {@link #LENGTH}
 */
public record GeneratedText(String generatedText, long[] generatedIds, String finishReason) {

    /** Finish reason of a continuation that ended with an end-of-sequence token. */
    public static final String EOS = "eos";

    /** Finish reason of a continuation cut by {@code max_new_tokens} or {@code max_length}. */
    public static final String LENGTH = "length";
}
