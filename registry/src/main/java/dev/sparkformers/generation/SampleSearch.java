package dev.sparkformers.generation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/**
 * Greedy search and multinomial sampling, HuggingFace's {@code _sample}: one token per row and
 * step, the highest-scoring one or one drawn from the processed scores. A row that has produced an
 * end-of-sequence token is filled with {@code pad_token_id} until every row is done.
 */
final class SampleSearch {

    private SampleSearch() {}

    /**
     * @param warpers the sampling filters, or null for greedy search
     * @param randomForRow the source of draws of each row when sampling
     * @param padTokenId the filler of finished rows; required when {@code eosTokenIds} is not empty
     */
    static SearchResult run(ModelStepper stepper, long[][] sequences, long[][] attentionMask,
            LogitsProcessorList processors, LogitsProcessorList warpers, List<StoppingCriteria> criteria,
            List<Integer> eosTokenIds, Integer padTokenId, IntFunction<RandomGenerator> randomForRow,
            boolean keepScores, boolean keepLogits) {
        int rows = sequences.length;
        boolean[] unfinished = new boolean[rows];
        java.util.Arrays.fill(unfinished, true);
        List<float[][]> allScores = keepScores ? new ArrayList<>() : null;
        List<float[][]> allLogits = keepLogits ? new ArrayList<>() : null;

        boolean anyUnfinished = true;
        while (anyUnfinished) {
            ModelStepper.StepLogits step = stepper.step(sequences, attentionMask, false);
            float[][] scores = DecodingState.copy(step.logits());
            processors.process(sequences, scores);
            if (warpers != null) {
                warpers.process(sequences, scores);
            }
            if (allScores != null) {
                allScores.add(scores);
            }
            if (allLogits != null) {
                allLogits.add(step.logits());
            }

            long[] next = new long[rows];
            for (int row = 0; row < rows; row++) {
                next[row] = warpers != null ? TokenSampler.sample(scores[row], randomForRow.apply(row))
                        : argmax(scores[row]);
                if (!eosTokenIds.isEmpty() && !unfinished[row]) {
                    next[row] = padTokenId;
                }
            }
            sequences = DecodingState.append(sequences, next);
            attentionMask = DecodingState.append(attentionMask, 1L);

            boolean[] done = DecodingState.isDone(criteria, sequences);
            anyUnfinished = false;
            for (int row = 0; row < rows; row++) {
                unfinished[row] &= !done[row];
                anyUnfinished |= unfinished[row];
            }
        }
        return new SearchResult(sequences, allScores, allLogits, null, null);
    }

    /** The index of the first highest score, as {@code torch.argmax} returns it. */
    private static int argmax(float[] scores) {
        int best = 0;
        for (int token = 1; token < scores.length; token++) {
            if (scores[token] > scores[best]) {
                best = token;
            }
        }
        return best;
    }
}
