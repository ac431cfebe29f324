package dev.sparkformers.generation;

import dev.sparkformers.generation.GenerationConfig.EarlyStopping;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The finished hypotheses of one prompt in beam search, HuggingFace's {@code BeamHypotheses}: at
 * most {@code num_beams}, scored by summed log-probability divided by
 * {@code generated_length^length_penalty}, the worst dropped first.
 */
final class BeamHypotheses {

    /**
     * A finished sequence.
     *
     * @param score the length-normalised score
     * @param tokens the sequence without the end-of-sequence token that finished it
     * @param beamIndices for every generated step, the row of the beam the token came from; null when not tracked
     */
    record Hypothesis(double score, long[] tokens, int[] beamIndices) {}

    private final int numBeams;
    private final double lengthPenalty;
    private final EarlyStopping earlyStopping;
    private final int maxLength;
    private final List<Hypothesis> beams = new ArrayList<>();
    private double worstScore = 1e9;

    BeamHypotheses(int numBeams, double lengthPenalty, EarlyStopping earlyStopping, int maxLength) {
        this.numBeams = numBeams;
        this.lengthPenalty = lengthPenalty;
        this.earlyStopping = earlyStopping;
        this.maxLength = maxLength;
    }

    int size() {
        return beams.size();
    }

    List<Hypothesis> beams() {
        return Collections.unmodifiableList(beams);
    }

    /** Adds a hypothesis if there is room or it beats the worst one, which it then replaces. */
    void add(long[] tokens, double sumLogProbabilities, int[] beamIndices, int generatedLength) {
        double score = sumLogProbabilities / Math.pow(generatedLength, lengthPenalty);
        if (beams.size() < numBeams || score > worstScore) {
            beams.add(new Hypothesis(score, tokens, beamIndices));
            if (beams.size() > numBeams) {
                // HuggingFace sorts (score, index) pairs: the first of the lowest scores goes.
                int worst = 0;
                for (int i = 1; i < beams.size(); i++) {
                    if (beams.get(i).score() < beams.get(worst).score()) {
                        worst = i;
                    }
                }
                beams.remove(worst);
                worstScore = beams.stream().mapToDouble(Hypothesis::score).min().orElseThrow();
            } else {
                worstScore = Math.min(score, worstScore);
            }
        }
    }

    /**
     * Returns whether no running beam can still beat the finished ones, per {@code early_stopping}.
     *
     * @param bestSumLogProbabilities the best running beam's summed log-probability
     * @param currentLength the length the running beams will have after this step
     */
    boolean isDone(double bestSumLogProbabilities, int currentLength, int promptLength) {
        if (beams.size() < numBeams) {
            return false;
        }
        double highestAttainable;
        switch (earlyStopping) {
            case TRUE:
                return true;
            case FALSE:
                highestAttainable = bestSumLogProbabilities / Math.pow(currentLength - promptLength, lengthPenalty);
                break;
            default:
                // With a positive length penalty, the longest possible beam has the best attainable score.
                if (lengthPenalty > 0) {
                    if (maxLength <= promptLength) {
                        throw new IllegalArgumentException("max_length (" + maxLength
                                + ") is not larger than the prompt length (" + promptLength + ")");
                    }
                    highestAttainable = bestSumLogProbabilities / Math.pow(maxLength - promptLength, lengthPenalty);
                } else {
                    highestAttainable = bestSumLogProbabilities
                            / Math.pow(currentLength - promptLength, lengthPenalty);
                }
                break;
        }
        return worstScore >= highestAttainable;
    }
}
