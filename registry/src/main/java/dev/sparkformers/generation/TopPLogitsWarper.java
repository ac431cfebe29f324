package dev.sparkformers.generation;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Nucleus filtering, HuggingFace's {@code TopPLogitsWarper}: keeps the highest-scoring tokens whose
 * probabilities sum to at least {@code top_p} and sets the rest to {@code -Infinity}.
 *
 * <p>As in HuggingFace, tokens are sorted by ascending score and a token is removed while the
 * cumulative probability up to and including it is at most {@code 1 - top_p}; the
 * {@code min_tokens_to_keep} highest are always kept.
 */
public final class TopPLogitsWarper implements LogitsProcessor {

    private final double topP;
    private final int minTokensToKeep;

    /** @throws IllegalArgumentException unless {@code topP} is in [0, 1] and {@code minTokensToKeep} is positive */
    public TopPLogitsWarper(double topP, int minTokensToKeep) {
        if (topP < 0 || topP > 1.0 || Double.isNaN(topP)) {
            throw new IllegalArgumentException("`top_p` has to be a float > 0 and < 1, but is " + topP);
        }
        if (minTokensToKeep < 1) {
            throw new IllegalArgumentException("`min_tokens_to_keep` has to be a positive integer, but is "
                    + minTokensToKeep);
        }
        this.topP = topP;
        this.minTokensToKeep = minTokensToKeep;
    }

    @Override
    public void process(long[][] inputIds, float[][] scores) {
        for (float[] row : scores) {
            Integer[] ascending = IntStream.range(0, row.length).boxed().toArray(Integer[]::new);
            java.util.Arrays.sort(ascending, Comparator.comparingDouble(token -> row[token]));
            double[] probabilities = softmax(row, ascending);

            double cumulative = 0;
            int removable = row.length - minTokensToKeep;
            for (int rank = 0; rank < removable; rank++) {
                cumulative += probabilities[rank];
                if (cumulative > 1 - topP) {
                    break;
                }
                row[ascending[rank]] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** Softmax of {@code row} in the order of {@code tokens}, in double precision. */
    private static double[] softmax(float[] row, Integer[] tokens) {
        double max = Double.NEGATIVE_INFINITY;
        for (float score : row) {
            max = Math.max(max, score);
        }
        double[] probabilities = new double[tokens.length];
        double sum = 0;
        for (int rank = 0; rank < tokens.length; rank++) {
            probabilities[rank] = Math.exp(row[tokens[rank]] - max);
            sum += probabilities[rank];
        }
        for (int rank = 0; rank < tokens.length; rank++) {
            probabilities[rank] /= sum;
        }
        return probabilities;
    }

    @Override
    public String toString() {
        return "TopPLogitsWarper(top_p=" + topP + ", min_tokens_to_keep=" + minTokensToKeep + ")";
    }
}
