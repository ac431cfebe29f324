package dev.sparkformers.generation;

/**
 * Normalises each row with log-softmax, HuggingFace's {@code LogitNormalization}
 * ({@code renormalize_logits}), so that scores are log-probabilities again after other processors.
 */
public final class LogitNormalization implements LogitsProcessor {

    @Override
    public void process(long[][] inputIds, float[][] scores) {
        for (float[] row : scores) {
            double max = Double.NEGATIVE_INFINITY;
            for (float score : row) {
                max = Math.max(max, score);
            }
            double sum = 0;
            for (float score : row) {
                sum += Math.exp(score - max);
            }
            double logSum = max + Math.log(sum);
            for (int token = 0; token < row.length; token++) {
                row[token] = (float) (row[token] - logSum);
            }
        }
    }

    @Override
    public String toString() {
        return "LogitNormalization";
    }
}
