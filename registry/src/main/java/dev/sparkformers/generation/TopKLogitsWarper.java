package dev.sparkformers.generation;

import java.util.Arrays;

/**
 * Keeps the {@code top_k} highest scores of each row and sets the rest to {@code -Infinity},
 * HuggingFace's {@code TopKLogitsWarper}. Scores equal to the k-th highest are kept too.
 */
public final class TopKLogitsWarper implements LogitsProcessor {

    private final int topK;

    /**
     * @param topK number of tokens kept
     * @param minTokensToKeep lower bound on {@code topK}: 1 for sampling, more for beam sampling
     */
    public TopKLogitsWarper(int topK, int minTokensToKeep) {
        if (topK <= 0) {
            throw new IllegalArgumentException("`top_k` has to be a strictly positive integer, but is " + topK);
        }
        this.topK = Math.max(topK, minTokensToKeep);
    }

    @Override
    public void process(long[][] inputIds, float[][] scores) {
        for (float[] row : scores) {
            int k = Math.min(topK, row.length);
            float[] sorted = row.clone();
            Arrays.sort(sorted);
            float threshold = sorted[sorted.length - k];
            for (int token = 0; token < row.length; token++) {
                if (row[token] < threshold) {
                    row[token] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "TopKLogitsWarper(top_k=" + topK + ")";
    }
}
