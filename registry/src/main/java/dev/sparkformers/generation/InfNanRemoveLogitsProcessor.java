package dev.sparkformers.generation;

/**
 * Replaces NaN scores by 0 and infinite ones by the largest finite float32 of their sign,
 * HuggingFace's {@code InfNanRemoveLogitsProcessor} ({@code remove_invalid_values}).
 */
public final class InfNanRemoveLogitsProcessor implements LogitsProcessor {

    @Override
    public void process(long[][] inputIds, float[][] scores) {
        for (float[] row : scores) {
            for (int token = 0; token < row.length; token++) {
                float score = row[token];
                if (Float.isNaN(score)) {
                    row[token] = 0f;
                } else if (score == Float.POSITIVE_INFINITY) {
                    row[token] = Float.MAX_VALUE;
                } else if (score == Float.NEGATIVE_INFINITY) {
                    row[token] = -Float.MAX_VALUE;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "InfNanRemoveLogitsProcessor";
    }
}
