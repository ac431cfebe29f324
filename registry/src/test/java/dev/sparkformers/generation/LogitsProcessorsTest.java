package dev.sparkformers.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;

/** Each processor against values worked out by hand from HuggingFace's definitions. */
class LogitsProcessorsTest {

    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegative() {
        float[][] scores = {{2f, -2f, 3f, 4f}};
        new RepetitionPenaltyLogitsProcessor(2.0).process(new long[][] {{0, 1, 1}}, scores);
        assertArrayEquals(new float[] {1f, -4f, 3f, 4f}, scores[0], "a repeated id is penalised once");
    }

    @Test
    void noRepeatNGramBansCompletions() {
        float[][] scores = {{0f, 0f, 0f, 0f}, {0f, 0f, 0f, 0f}};
        long[][] ids = {{1, 2, 3, 1, 2}, {1, 2, 3, 0, 2}};
        new NoRepeatNGramLogitsProcessor(3).process(ids, scores);
        assertArrayEquals(new float[] {0f, 0f, 0f, NEG_INF}, scores[0], "1 2 3 occurred, so 3 cannot follow 1 2");
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f}, scores[1]);
    }

    @Test
    void noRepeatNGramWaitsForEnoughTokens() {
        float[][] scores = {{0f, 0f}};
        new NoRepeatNGramLogitsProcessor(4).process(new long[][] {{1, 1}}, scores);
        assertArrayEquals(new float[] {0f, 0f}, scores[0]);
    }

    @Test
    void minLengthBansEosUntilReached() {
        float[][] scores = {{1f, 1f, 1f}};
        new MinLengthLogitsProcessor(3, List.of(2)).process(new long[][] {{0, 0}}, scores);
        assertArrayEquals(new float[] {1f, 1f, NEG_INF}, scores[0]);

        float[][] later = {{1f, 1f, 1f}};
        new MinLengthLogitsProcessor(3, List.of(2)).process(new long[][] {{0, 0, 0}}, later);
        assertArrayEquals(new float[] {1f, 1f, 1f}, later[0]);
    }

    @Test
    void minNewTokensCountsAfterPrompt() {
        MinNewTokensLengthLogitsProcessor processor = new MinNewTokensLengthLogitsProcessor(2, 2, List.of(0, 1));
        float[][] scores = {{1f, 1f, 1f}};
        processor.process(new long[][] {{5, 5, 7}}, scores);
        assertArrayEquals(new float[] {NEG_INF, NEG_INF, 1f}, scores[0], "one new token so far");
        float[][] later = {{1f, 1f, 1f}};
        processor.process(new long[][] {{5, 5, 7, 7}}, later);
        assertArrayEquals(new float[] {1f, 1f, 1f}, later[0]);
    }

    @Test
    void temperatureDivides() {
        float[][] scores = {{1f, -3f}};
        new TemperatureLogitsWarper(0.5).process(new long[][] {{0}}, scores);
        assertArrayEquals(new float[] {2f, -6f}, scores[0]);
        assertThrows(IllegalArgumentException.class, () -> new TemperatureLogitsWarper(0.0));
    }

    @Test
    void topKKeepsTies() {
        float[][] scores = {{1f, 5f, 3f, 3f, 0f}};
        new TopKLogitsWarper(2, 1).process(new long[][] {{0}}, scores);
        assertArrayEquals(new float[] {NEG_INF, 5f, 3f, 3f, NEG_INF}, scores[0]);
    }

    @Test
    void topKNeverKeepsFewerThanMinimum() {
        float[][] scores = {{1f, 5f, 3f}};
        new TopKLogitsWarper(1, 2).process(new long[][] {{0}}, scores);
        assertArrayEquals(new float[] {NEG_INF, 5f, 3f}, scores[0]);
    }

    @Test
    void topPKeepsSmallestNucleus() {
        // Probabilities 0.1, 0.2, 0.3, 0.4: with top_p 0.6 the two largest (0.7) are kept, the two
        // smallest (cumulative 0.3 <= 0.4) are removed.
        float[][] scores = {{log(0.1), log(0.2), log(0.3), log(0.4)}};
        new TopPLogitsWarper(0.6, 1).process(new long[][] {{0}}, scores);
        assertEquals(NEG_INF, scores[0][0]);
        assertEquals(NEG_INF, scores[0][1]);
        assertEquals(log(0.3), scores[0][2]);
        assertEquals(log(0.4), scores[0][3]);
    }

    @Test
    void topPKeepsMinimumTokens() {
        float[][] scores = {{log(0.05), log(0.05), log(0.9)}};
        new TopPLogitsWarper(0.5, 2).process(new long[][] {{0}}, scores);
        assertEquals(NEG_INF, scores[0][0]);
        assertEquals(log(0.05), scores[0][1], "the second-highest survives min_tokens_to_keep");
    }

    @Test
    void invalidValuesBecomeFinite() {
        float[][] scores = {{Float.NaN, Float.POSITIVE_INFINITY, NEG_INF, 2f}};
        new InfNanRemoveLogitsProcessor().process(new long[][] {{0}}, scores);
        assertArrayEquals(new float[] {0f, Float.MAX_VALUE, -Float.MAX_VALUE, 2f}, scores[0]);
    }

    @Test
    void normalizationGivesLogProbabilities() {
        float[][] scores = {{1f, 2f, 3f}};
        new LogitNormalization().process(new long[][] {{0}}, scores);
        double total = Math.exp(scores[0][0]) + Math.exp(scores[0][1]) + Math.exp(scores[0][2]);
        assertEquals(1.0, total, 1e-6);
        assertEquals(-0.40760595f, scores[0][2], 1e-6f);
    }

    @Test
    void listAppliesInOrder() {
        LogitsProcessorList list = new LogitsProcessorList()
                .add(new TemperatureLogitsWarper(2.0))
                .add(new TopKLogitsWarper(1, 1));
        float[][] scores = {{4f, 2f}};
        list.process(new long[][] {{0}}, scores);
        assertArrayEquals(new float[] {2f, NEG_INF}, scores[0]);
        assertEquals(2, list.processors().size());
    }

    @Test
    void processorsAreBuiltInHuggingFaceOrder() {
        GenerationConfig settings = new GenerationConfig().setRepetitionPenalty(1.2).setNoRepeatNgramSize(2)
                .setMinNewTokens(3).setRemoveInvalidValues(true).setRenormalizeLogits(true);
        List<Class<?>> expected = List.of(RepetitionPenaltyLogitsProcessor.class, NoRepeatNGramLogitsProcessor.class,
                MinLengthLogitsProcessor.class, MinNewTokensLengthLogitsProcessor.class,
                InfNanRemoveLogitsProcessor.class, LogitNormalization.class);
        List<Class<?>> actual = Generation.logitsProcessors(settings, 4, 7, List.of(9)).processors().stream()
                .<Class<?>>map(Object::getClass).toList();
        assertEquals(expected, actual);

        GenerationConfig sampling = new GenerationConfig().setDoSample(true).setTemperature(0.7).setTopP(0.9);
        List<Class<?>> warpers = Generation.logitsWarpers(sampling, List.of(9)).processors().stream()
                .<Class<?>>map(Object::getClass).toList();
        assertEquals(List.of(TemperatureLogitsWarper.class, TopKLogitsWarper.class, TopPLogitsWarper.class), warpers);
    }

    @Test
    void topCandidatesAreSortedAndStable() {
        int[] top = BeamSearch.topCandidates(new float[] {1f, 4f, 4f, -1f, 3f, 9f}, 4);
        assertArrayEquals(new int[] {5, 1, 2, 4}, top);
    }

    @Test
    void samplerNeverDrawsRemovedTokens() {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 200; i++) {
            int token = TokenSampler.sample(new float[] {NEG_INF, 0f, NEG_INF, 0f}, random);
            assertTrue(token == 1 || token == 3, "drew " + token);
        }
        int[] distinct = TokenSampler.sampleWithoutReplacement(new float[] {0f, 0f, 0f}, 3, random);
        assertEquals(3, java.util.Arrays.stream(distinct).distinct().count());
    }

    private static float log(double probability) {
        return (float) Math.log(probability);
    }
}
