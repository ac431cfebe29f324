package dev.sparkformers.generation;

import dev.sparkformers.generation.GenerationConfig.EarlyStopping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Bookkeeping of beam search across prompts, HuggingFace's {@code BeamSearchScorer}: picks each
 * step's beams from the ranked candidates, moves beams that end with an end-of-sequence token to
 * the finished hypotheses, and assembles the returned sequences.
 */
final class BeamSearchScorer {

    /**
     * The beams of the next step, flattened as {@code [batch * num_beams]}.
     *
     * @param scores summed log-probabilities
     * @param tokens the token each beam appends
     * @param rows the row of the current step each beam continues
     */
    record Step(float[] scores, long[] tokens, int[] rows) {}

    /**
     * The returned sequences, {@code [batch * num_return_sequences]} rows.
     *
     * @param sequences tokens, padded with {@code pad_token_id} to the longest
     * @param scores length-normalised scores
     * @param beamIndices beam rows per generated step, padded with -1; null when not tracked
     */
    record Result(long[][] sequences, float[] scores, long[][] beamIndices) {}

    private final int numBeams;
    private final int numBeamHypothesesToKeep;
    private final BeamHypotheses[] hypotheses;
    private final boolean[] done;

    BeamSearchScorer(int batchSize, int numBeams, double lengthPenalty, EarlyStopping earlyStopping,
            int numBeamHypothesesToKeep, int maxLength) {
        this.numBeams = numBeams;
        this.numBeamHypothesesToKeep = numBeamHypothesesToKeep;
        this.hypotheses = new BeamHypotheses[batchSize];
        for (int i = 0; i < batchSize; i++) {
            hypotheses[i] = new BeamHypotheses(numBeams, lengthPenalty, earlyStopping, maxLength);
        }
        this.done = new boolean[batchSize];
    }

    /** Returns whether every prompt's search has finished. */
    boolean isDone() {
        for (boolean finished : done) {
            if (!finished) {
                return false;
            }
        }
        return true;
    }

    /**
     * Chooses the next beams of every prompt from its ranked candidates.
     *
     * @param inputIds the current beams, {@code [batch * num_beams][length]}
     * @param candidateScores per prompt, candidate scores in descending order
     * @param candidateTokens per prompt, the candidates' tokens
     * @param candidateBeams per prompt, the beam (0 .. num_beams-1) each candidate extends
     * @param beamIndices per row, the beam rows of the steps so far; null when not tracked
     */
    Step process(long[][] inputIds, float[][] candidateScores, long[][] candidateTokens, int[][] candidateBeams,
            Integer padTokenId, List<Integer> eosTokenIds, int[][] beamIndices, int promptLength) {
        int currentLength = inputIds[0].length + 1;
        int batchSize = hypotheses.length;
        float[] nextScores = new float[batchSize * numBeams];
        long[] nextTokens = new long[batchSize * numBeams];
        int[] nextRows = new int[batchSize * numBeams];

        for (int batch = 0; batch < batchSize; batch++) {
            int offset = batch * numBeams;
            if (done[batch]) {
                if (eosTokenIds.isEmpty() || padTokenId == null) {
                    throw new IllegalStateException("Generated beams >= num_beams -> eos_token_id and pad_token "
                            + "have to be defined");
                }
                // A finished prompt keeps padding its beams until every prompt is finished.
                Arrays.fill(nextTokens, offset, offset + numBeams, padTokenId);
                Arrays.fill(nextRows, offset, offset + numBeams, 0);
                continue;
            }

            int beam = 0;
            for (int rank = 0; rank < candidateTokens[batch].length && beam < numBeams; rank++) {
                long token = candidateTokens[batch][rank];
                float score = candidateScores[batch][rank];
                int row = offset + candidateBeams[batch][rank];
                if (eosTokenIds.contains(Math.toIntExact(token))) {
                    // A candidate ranked below num_beams cannot finish a hypothesis.
                    if (rank >= numBeams) {
                        continue;
                    }
                    int[] indices = beamIndices == null ? null : append(beamIndices[row], row);
                    hypotheses[batch].add(inputIds[row].clone(), score, indices, currentLength - promptLength);
                } else {
                    nextScores[offset + beam] = score;
                    nextTokens[offset + beam] = token;
                    nextRows[offset + beam] = row;
                    beam++;
                }
            }
            if (beam < numBeams) {
                throw new IllegalStateException("At most " + numBeams + " tokens in "
                        + Arrays.toString(candidateTokens[batch]) + " can be equal to `eos_token_id: " + eosTokenIds
                        + "`. Make sure the candidates are corrected.");
            }
            float best = candidateScores[batch][0];
            for (float score : candidateScores[batch]) {
                best = Math.max(best, score);
            }
            done[batch] = hypotheses[batch].isDone(best, currentLength, promptLength);
        }
        return new Step(nextScores, nextTokens, nextRows);
    }

    /**
     * Adds the running beams of unfinished prompts to their hypotheses and returns the best
     * {@code num_return_sequences} of each prompt, best first.
     *
     * @param beamScores the running beams' summed log-probabilities
     */
    Result finalize(long[][] inputIds, float[] beamScores, int maxLength, Integer padTokenId,
            List<Integer> eosTokenIds, int[][] beamIndices, int promptLength) {
        for (int batch = 0; batch < hypotheses.length; batch++) {
            if (done[batch]) {
                continue;
            }
            for (int beam = 0; beam < numBeams; beam++) {
                int row = batch * numBeams + beam;
                int[] indices = beamIndices == null ? null : beamIndices[row];
                hypotheses[batch].add(inputIds[row], beamScores[row], indices, inputIds[row].length - promptLength);
            }
        }

        List<BeamHypotheses.Hypothesis> best = new ArrayList<>();
        for (BeamHypotheses prompt : hypotheses) {
            // A stable ascending sort taken from the end: among equal scores, the later hypothesis wins.
            List<BeamHypotheses.Hypothesis> sorted = new ArrayList<>(prompt.beams());
            sorted.sort(Comparator.comparingDouble(BeamHypotheses.Hypothesis::score));
            for (int j = 0; j < numBeamHypothesesToKeep; j++) {
                best.add(sorted.remove(sorted.size() - 1));
            }
        }
        return assemble(best, maxLength, padTokenId, eosTokenIds, beamIndices != null);
    }

    private static Result assemble(List<BeamHypotheses.Hypothesis> best, int maxLength, Integer padTokenId,
            List<Integer> eosTokenIds, boolean withBeamIndices) {
        int longest = best.stream().mapToInt(h -> h.tokens().length).max().orElse(0);
        int shortest = best.stream().mapToInt(h -> h.tokens().length).min().orElse(0);
        int width = Math.min(longest + 1, maxLength);
        if (shortest != longest && padTokenId == null) {
            throw new IllegalStateException("`pad_token_id` has to be defined");
        }

        long[][] sequences = new long[best.size()][width];
        float[] scores = new float[best.size()];
        long[][] indices = withBeamIndices ? new long[best.size()][width] : null;
        for (int i = 0; i < best.size(); i++) {
            BeamHypotheses.Hypothesis hypothesis = best.get(i);
            long[] tokens = hypothesis.tokens();
            if (padTokenId != null) {
                Arrays.fill(sequences[i], padTokenId);
            }
            System.arraycopy(tokens, 0, sequences[i], 0, tokens.length);
            if (tokens.length < width && !eosTokenIds.isEmpty()) {
                // The end-of-sequence token that finished the hypothesis, if it fits.
                sequences[i][tokens.length] = eosTokenIds.get(0);
            }
            scores[i] = (float) hypothesis.score();
            if (indices != null) {
                Arrays.fill(indices[i], -1);
                for (int step = 0; step < hypothesis.beamIndices().length; step++) {
                    indices[i][step] = hypothesis.beamIndices()[step];
                }
            }
        }
        return new Result(sequences, scores, indices);
    }

    private static int[] append(int[] values, int value) {
        int[] extended = Arrays.copyOf(values, values.length + 1);
        extended[values.length] = value;
        return extended;
    }
}
