package dev.sparkformers.tokenization;

import java.util.Arrays;
import java.util.Objects;

/**
 * The encoding of one text (or one pair of texts), after truncation and padding: HuggingFace's
 * {@code input_ids}, {@code token_type_ids}, {@code attention_mask} and
 * {@code special_tokens_mask}, the token strings, and how long the sequence was before truncation.
 *
 * <p>All arrays have the same length, padding included. They are not copied, so callers must
 * not modify them. {@link #equals} and {@link #hashCode} compare the array contents.
 *
 * @param inputIds token ids
 * @param tokenTypeIds segment ids: 0 for the first text, 1 for the second text of a BERT pair
 * @param attentionMask 1 for real tokens and 0 for padding
 * @param specialTokensMask 1 for special tokens added by the post-processor and for padding,
 *     0 for tokens of the text (the native library's {@code special_tokens_mask})
 * @param tokens token strings; padding positions hold the pad token
 * @param lengthBeforeTruncation the number of tokens without truncation, counting the special
 *     tokens that the call adds and not counting padding
 * @param truncated whether truncation removed any token
 */
public record Encoding(
        long[] inputIds,
        long[] tokenTypeIds,
        long[] attentionMask,
        long[] specialTokensMask,
        String[] tokens,
        int lengthBeforeTruncation,
        boolean truncated) {

    /** Checks that every array is present and that all have the same length. */
    public Encoding {
        Objects.requireNonNull(inputIds, "inputIds");
        Objects.requireNonNull(tokenTypeIds, "tokenTypeIds");
        Objects.requireNonNull(attentionMask, "attentionMask");
        Objects.requireNonNull(specialTokensMask, "specialTokensMask");
        Objects.requireNonNull(tokens, "tokens");
        int length = inputIds.length;
        if (tokenTypeIds.length != length || attentionMask.length != length
                || specialTokensMask.length != length || tokens.length != length) {
            throw new IllegalArgumentException("arrays of an Encoding must have the same length, but input_ids has "
                    + length + ", token_type_ids " + tokenTypeIds.length + ", attention_mask "
                    + attentionMask.length + ", special_tokens_mask " + specialTokensMask.length
                    + " and tokens " + tokens.length);
        }
        if (lengthBeforeTruncation < 0) {
            throw new IllegalArgumentException("lengthBeforeTruncation must not be negative, but is "
                    + lengthBeforeTruncation);
        }
    }

    /** Returns the sequence length, padding included. */
    public int length() {
        return inputIds.length;
    }

    /** Returns the number of real (not padding) tokens: the sum of the attention mask. */
    public int numTokens() {
        int count = 0;
        for (long mask : attentionMask) {
            count += (int) mask;
        }
        return count;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Encoding)) {
            return false;
        }
        Encoding that = (Encoding) other;
        return lengthBeforeTruncation == that.lengthBeforeTruncation
                && truncated == that.truncated
                && Arrays.equals(inputIds, that.inputIds)
                && Arrays.equals(tokenTypeIds, that.tokenTypeIds)
                && Arrays.equals(attentionMask, that.attentionMask)
                && Arrays.equals(specialTokensMask, that.specialTokensMask)
                && Arrays.equals(tokens, that.tokens);
    }

    @Override
    public int hashCode() {
        int result = Objects.hash(lengthBeforeTruncation, truncated);
        result = 31 * result + Arrays.hashCode(inputIds);
        result = 31 * result + Arrays.hashCode(tokenTypeIds);
        result = 31 * result + Arrays.hashCode(attentionMask);
        result = 31 * result + Arrays.hashCode(specialTokensMask);
        result = 31 * result + Arrays.hashCode(tokens);
        return result;
    }

    @Override
    public String toString() {
        return "Encoding{input_ids=" + Arrays.toString(inputIds)
                + ", token_type_ids=" + Arrays.toString(tokenTypeIds)
                + ", attention_mask=" + Arrays.toString(attentionMask)
                + ", tokens=" + Arrays.toString(tokens)
                + ", lengthBeforeTruncation=" + lengthBeforeTruncation
                + ", truncated=" + truncated + "}";
    }
}
