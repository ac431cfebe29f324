package dev.sparkformers.generation;

import java.util.List;

/**
 * Forbids end-of-sequence tokens while the sequence, prompt included, is shorter than
 * {@code min_length}, HuggingFace's {@code MinLengthLogitsProcessor}.
 */
public final class MinLengthLogitsProcessor implements LogitsProcessor {

    private final int minLength;
    private final List<Integer> eosTokenIds;

    public MinLengthLogitsProcessor(int minLength, List<Integer> eosTokenIds) {
        if (minLength < 0) {
            throw new IllegalArgumentException("`min_length` has to be a non-negative integer, but is " + minLength);
        }
        this.minLength = minLength;
        this.eosTokenIds = List.copyOf(eosTokenIds);
    }

    @Override
    public void process(long[][] inputIds, float[][] scores) {
        if (inputIds.length == 0 || inputIds[0].length >= minLength) {
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
        return "MinLengthLogitsProcessor(min_length=" + minLength + ", eos_token_id=" + eosTokenIds + ")";
    }
}
