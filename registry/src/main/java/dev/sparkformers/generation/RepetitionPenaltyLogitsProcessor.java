package dev.sparkformers.generation;

/**
 * Makes tokens that already occur in the sequence less likely, HuggingFace's
 * {@code RepetitionPenaltyLogitsProcessor}: a positive score is divided by the penalty and a
 * negative one multiplied by it. Prompt tokens, padding included, count as occurrences.
 */
public final class RepetitionPenaltyLogitsProcessor implements LogitsProcessor {

    private final float penalty;

    /**
     * @param penalty greater than 1 discourages repetition, below 1 encourages it
     * @throws IllegalArgumentException unless the penalty is positive
     */
    public RepetitionPenaltyLogitsProcessor(double penalty) {
        if (!(penalty > 0)) {
            throw new IllegalArgumentException("`penalty` has to be a strictly positive float, but is " + penalty);
        }
        // HuggingFace multiplies float32 scores by the penalty in float32.
        this.penalty = (float) penalty;
    }

    @Override
    public void process(long[][] inputIds, float[][] scores) {
        for (int row = 0; row < scores.length; row++) {
            float[] rowScores = scores[row];
            boolean[] done = new boolean[rowScores.length];
            for (long id : inputIds[row]) {
                int token = Math.toIntExact(id);
                if (done[token]) {
                    continue;
                }
                done[token] = true;
                float score = rowScores[token];
                rowScores[token] = score < 0 ? score * penalty : score / penalty;
            }
        }
    }

    @Override
    public String toString() {
        return "RepetitionPenaltyLogitsProcessor(penalty=" + penalty + ")";
    }
}
