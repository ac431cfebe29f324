package dev.sparkformers.generation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/**
 * Beam search and beam sampling, HuggingFace's {@code _beam_search} and {@code _beam_sample}.
 *
 * <p>Rows are {@code [batch * num_beams]}, every prompt repeated once per beam. Each step adds the
 * processed log-softmax of every beam to its running score, ranks the {@code max(2, 1 + #eos) *
 * num_beams} best candidates of each prompt over all its beams (or draws them, when sampling),
 * and lets the {@link BeamSearchScorer} pick the next beams. Only beam 0 of each prompt starts
 * with score 0; the others start at -1e9, so that the first step does not pick the same token
 * from identical beams.
 */
final class BeamSearch {

    /** Initial running score of beams 1 .. num_beams-1. */
    private static final float INACTIVE_BEAM_SCORE = -1e9f;

    private BeamSearch() {}

    /**
     * @param sequences prompts repeated per beam, {@code [batch * num_beams][length]}
     * @param warpers the sampling filters for beam sampling, or null for beam search
     * @param randomForPrompt the source of draws of each prompt for beam sampling
     */
    static SearchResult run(ModelStepper stepper, long[][] sequences, long[][] attentionMask, int numBeams,
            BeamSearchScorer scorer, int maxLength, LogitsProcessorList processors, LogitsProcessorList warpers,
            List<StoppingCriteria> criteria, List<Integer> eosTokenIds, Integer padTokenId,
            IntFunction<RandomGenerator> randomForPrompt, boolean keepScores, boolean keepLogits) {
        int rows = sequences.length;
        int batchSize = rows / numBeams;
        int promptLength = sequences[0].length;
        int candidatesPerPrompt = Math.max(2, 1 + eosTokenIds.size()) * numBeams;

        float[] beamScores = new float[rows];
        for (int row = 0; row < rows; row++) {
            beamScores[row] = row % numBeams == 0 ? 0f : INACTIVE_BEAM_SCORE;
        }
        int[][] beamIndices = keepScores ? new int[rows][0] : null;
        List<float[][]> allScores = keepScores ? new ArrayList<>() : null;
        List<float[][]> allLogits = keepLogits ? new ArrayList<>() : null;

        boolean finished = false;
        while (!finished) {
            ModelStepper.StepLogits step = stepper.step(sequences, attentionMask, true);
            float[][] scores = step.logProbabilities(); // (rows, vocab)
            processors.process(sequences, scores);
            if (warpers != null) {
                warpers.process(sequences, scores);
            }
            if (allScores != null) {
                allScores.add(DecodingState.copy(scores));
            }
            if (allLogits != null) {
                allLogits.add(step.logits());
            }

            int vocab = scores[0].length;
            float[][] candidateScores = new float[batchSize][];
            long[][] candidateTokens = new long[batchSize][];
            int[][] candidateBeams = new int[batchSize][];
            for (int batch = 0; batch < batchSize; batch++) {
                float[] totals = totals(scores, beamScores, batch, numBeams); // (num_beams * vocab)
                int[] picked = warpers != null
                        ? drawCandidates(totals, candidatesPerPrompt, randomForPrompt.apply(batch))
                        : topCandidates(totals, candidatesPerPrompt);
                candidateScores[batch] = new float[picked.length];
                candidateTokens[batch] = new long[picked.length];
                candidateBeams[batch] = new int[picked.length];
                for (int rank = 0; rank < picked.length; rank++) {
                    candidateScores[batch][rank] = totals[picked[rank]];
                    candidateTokens[batch][rank] = picked[rank] % vocab;
                    candidateBeams[batch][rank] = picked[rank] / vocab;
                }
            }

            BeamSearchScorer.Step next = scorer.process(sequences, candidateScores, candidateTokens, candidateBeams,
                    padTokenId, eosTokenIds, beamIndices, promptLength);
            beamScores = next.scores();
            sequences = DecodingState.append(DecodingState.select(sequences, next.rows()), next.tokens());
            attentionMask = DecodingState.append(DecodingState.select(attentionMask, next.rows()), 1L);
            stepper.reorder(next.rows());
            if (beamIndices != null) {
                int[][] extended = new int[rows][];
                for (int row = 0; row < rows; row++) {
                    int source = next.rows()[row];
                    extended[row] = Arrays.copyOf(beamIndices[source], beamIndices[source].length + 1);
                    extended[row][beamIndices[source].length] = source;
                }
                beamIndices = extended;
            }

            boolean[] done = DecodingState.isDone(criteria, sequences);
            boolean allDone = true;
            for (boolean rowDone : done) {
                allDone &= rowDone;
            }
            finished = scorer.isDone() || allDone;
        }

        BeamSearchScorer.Result result = scorer.finalize(sequences, beamScores, maxLength, padTokenId, eosTokenIds,
                beamIndices, promptLength);
        return new SearchResult(result.sequences(), allScores, allLogits, result.scores(), result.beamIndices());
    }

    /** Returns each candidate's running score: beam score plus token score, over one prompt's beams. */
    private static float[] totals(float[][] scores, float[] beamScores, int batch, int numBeams) {
        int vocab = scores[0].length;
        float[] totals = new float[numBeams * vocab];
        for (int beam = 0; beam < numBeams; beam++) {
            int row = batch * numBeams + beam;
            for (int token = 0; token < vocab; token++) {
                totals[beam * vocab + token] = scores[row][token] + beamScores[row];
            }
        }
        return totals;
    }

    /** Indices of the {@code count} highest totals, highest first; ties go to the lower index. */
    static int[] topCandidates(float[] totals, int count) {
        int[] best = new int[Math.min(count, totals.length)];
        int filled = 0;
        for (int index = 0; index < totals.length; index++) {
            float value = totals[index];
            if (filled == best.length && !(value > totals[best[filled - 1]])) {
                continue;
            }
            int position = filled == best.length ? filled - 1 : filled++;
            while (position > 0 && value > totals[best[position - 1]]) {
                best[position] = best[position - 1];
                position--;
            }
            best[position] = index;
        }
        return best;
    }

    /** Draws {@code count} distinct candidates with probability {@code softmax(totals)}, then orders them by total. */
    private static int[] drawCandidates(float[] totals, int count, RandomGenerator random) {
        int[] drawn = TokenSampler.sampleWithoutReplacement(totals, count, random);
        Integer[] boxed = Arrays.stream(drawn).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, (a, b) -> Float.compare(totals[b], totals[a]));
        return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    }
}
