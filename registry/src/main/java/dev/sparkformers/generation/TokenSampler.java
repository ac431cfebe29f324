package dev.sparkformers.generation;

import java.util.random.RandomGenerator;

/**
 * Draws tokens from processed scores, in place of {@code torch.multinomial(softmax(scores))}.
 *
 * <p>Draws come from a caller-supplied {@link RandomGenerator}, so a seeded generator gives the
 * same tokens on every run and every machine; they do not reproduce PyTorch's random stream.
 */
final class TokenSampler {

    private TokenSampler() {}

    /** Draws one token with probability {@code softmax(scores)}; {@code -Infinity} scores are never drawn. */
    static int sample(float[] scores, RandomGenerator random) {
        double[] weights = weights(scores);
        return draw(weights, total(weights), random);
    }

    /**
     * Draws {@code count} distinct tokens, each with probability proportional to its weight among
     * those not drawn yet, as {@code torch.multinomial(..., replacement=False)} does.
     */
    static int[] sampleWithoutReplacement(float[] scores, int count, RandomGenerator random) {
        double[] weights = weights(scores);
        int[] drawn = new int[count];
        for (int i = 0; i < count; i++) {
            drawn[i] = draw(weights, total(weights), random);
            weights[drawn[i]] = 0;
        }
        return drawn;
    }

    /** Returns {@code exp(score - max)}, the unnormalised softmax. */
    private static double[] weights(float[] scores) {
        double max = Double.NEGATIVE_INFINITY;
        for (float score : scores) {
            max = Math.max(max, score);
        }
        if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max)) {
            throw new IllegalStateException("Cannot sample a token: every score is -inf or NaN. Loosen the "
                    + "generation settings that remove tokens (top_k, top_p, no_repeat_ngram_size, min_length).");
        }
        double[] weights = new double[scores.length];
        for (int token = 0; token < scores.length; token++) {
            weights[token] = Math.exp(scores[token] - max);
        }
        return weights;
    }

    private static double total(double[] weights) {
        double total = 0;
        for (double weight : weights) {
            total += weight;
        }
        if (!(total > 0)) {
            throw new IllegalStateException("Cannot sample a token: fewer tokens have a non-zero probability than "
                    + "are requested");
        }
        return total;
    }

    private static int draw(double[] weights, double total, RandomGenerator random) {
        double target = random.nextDouble() * total;
        double cumulative = 0;
        int last = -1;
        for (int token = 0; token < weights.length; token++) {
            if (weights[token] > 0) {
                cumulative += weights[token];
                last = token;
                if (cumulative > target) {
                    return token;
                }
            }
        }
        // Rounding can leave the target just above the final cumulative sum.
        return last;
    }
}
