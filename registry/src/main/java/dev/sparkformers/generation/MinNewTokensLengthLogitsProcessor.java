package dev.sparkformers.generation;

import java.util.List;

/**
 * Forbids end-of-sequence tokens until {@code min_new_tokens} tokens follow the prompt,
 * HuggingFace's {@code MinNewTokensLengthLogitsProcessor}.
 */
public final class MinNewTokensLengthLogitsProcessor implements LogitsProcessor {

    private final int promptLengthToSkip;
    private final int minNewTokens;
    private final List<Integer> eosTokenIds;

    /**
     * @param promptLengthToSkip length of the (padded) prompt
     * @param minNewTokens number of new tokens before an end-of-sequence token may be chosen
     */
    public MinNewTokensLengthLogitsProcessor(int promptLengthToSkip, int minNewTokens, List<Integer> eosTokenIds) {
        if (promptLengthToSkip < 0 || minNewTokens < 0) {
            throw new IllegalArgumentException("prompt length (" + promptLengthToSkip + ") and `min_new_tokens` ("
                    + minNewTokens + ") must be non-negative integers");
        }
        this.promptLengthToSkip = promptLengthToSkip;
        this.minNewTokens = minNewTokens;
        this.eosTokenIds = List.copyOf(eosTokenIds);
    }

    @Override
    public void process(long[][] inputIds, float[][] scores) {
        if (inputIds.length == 0 || inputIds[0].length - promptLengthToSkip >= minNewTokens) {
            return;
        }
        for (float[] row : scores) {
            for (int eos : eosTokenIds) {
                row[eos] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    @Override
    public String toString() {
        return "MinNewTokensLengthLogitsProcessor(prompt_length_to_skip=" + promptLengthToSkip + ", min_new_tokens="
                + minNewTokens + ", eos_token_id=" + eosTokenIds + ")";
    }
}
