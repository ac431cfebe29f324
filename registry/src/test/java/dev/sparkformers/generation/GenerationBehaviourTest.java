package dev.sparkformers.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.sparkformers.models.gpt2.GPT2LMHeadModel;
import dev.sparkformers.testing.Golden;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Generation settings other than the recorded ones, checked on the tiny GPT-2 against properties
 * that follow from HuggingFace's definitions and against the recorded greedy sequences.
 */
class GenerationBehaviourTest {

    /** Greedy new tokens of the two reference prompts, from reference.json. */
    private static final long[] GREEDY_ROW_0 = {102, 102, 102, 828, 386, 102, 102, 841};
    private static final long[] GREEDY_ROW_1 = {578, 642, 786, 786, 666, 666, 828, 828};

    private static Golden golden;
    private static GPT2LMHeadModel model;

    @BeforeAll
    static void load() throws IOException {
        golden = Golden.open("tiny-gpt2");
        model = GPT2LMHeadModel.fromPretrained(golden.checkpoint());
    }

    @AfterAll
    static void close() throws IOException {
        model.close();
        golden.close();
    }

    private static GenerationConfig greedy() {
        return model.generationConfig().copy().setMaxNewTokens(8).setPadTokenId(0);
    }

    private static long[][] generate(NDManager manager, GenerationConfig settings, Random random) {
        GenerateOutput output = model.generate(golden.array(manager, "gen.input_ids"),
                golden.array(manager, "gen.attention_mask"), settings, random);
        return rows(output.sequences());
    }

    @Test
    void greedyReproducesReferenceFromSettings() {
        try (NDManager manager = NDManager.newBaseManager()) {
            long[][] sequences = generate(manager, greedy(), null);
            assertArrayEquals(GREEDY_ROW_0, Arrays.copyOfRange(sequences[0], 6, 14));
            assertArrayEquals(GREEDY_ROW_1, Arrays.copyOfRange(sequences[1], 6, 14));
        }
    }

    @Test
    void finishedRowsArePadded() {
        // Token 102 is row 0's first greedy token; as eos it ends row 0 at once, while row 1 never produces it.
        try (NDManager manager = NDManager.newBaseManager()) {
            long[][] sequences = generate(manager, greedy().setEosTokenIds(List.of(102)), null);
            assertArrayEquals(new long[] {102, 0, 0, 0, 0, 0, 0, 0}, Arrays.copyOfRange(sequences[0], 6, 14));
            assertArrayEquals(GREEDY_ROW_1, Arrays.copyOfRange(sequences[1], 6, 14));
        }
    }

    @Test
    void eosListStopsOnAnyMember() {
        try (NDManager manager = NDManager.newBaseManager()) {
            long[][] sequences = generate(manager, greedy().setEosTokenIds(List.of(102, 642)), null);
            assertEquals(8, sequences[0].length, "both rows stop: row 0 at step 1, row 1 at step 2");
            assertArrayEquals(new long[] {102, 0}, Arrays.copyOfRange(sequences[0], 6, 8));
            assertArrayEquals(new long[] {578, 642}, Arrays.copyOfRange(sequences[1], 6, 8));
        }
    }

    @Test
    void minNewTokensDelaysEos() {
        try (NDManager manager = NDManager.newBaseManager()) {
            long[][] sequences = generate(manager, greedy().setEosTokenIds(List.of(102)).setMinNewTokens(3), null);
            for (int step = 6; step < 9; step++) {
                assertTrue(sequences[0][step] != 102, "eos chosen at new token " + (step - 6));
            }
        }
    }

    @Test
    void minLengthCountsThePrompt() {
        try (NDManager manager = NDManager.newBaseManager()) {
            long[][] sequences = generate(manager, greedy().setEosTokenIds(List.of(102)).setMinLength(8), null);
            assertTrue(sequences[0][6] != 102, Arrays.toString(sequences[0]));
            assertTrue(sequences[0][7] != 102, Arrays.toString(sequences[0]));
        }
    }

    @Test
    void maxLengthAppliesWithoutMaxNewTokens() {
        try (NDManager manager = NDManager.newBaseManager()) {
            long[][] sequences = generate(manager, greedy().setMaxNewTokens(null).setMaxLength(9), null);
            assertEquals(9, sequences[0].length);
            assertArrayEquals(Arrays.copyOf(GREEDY_ROW_0, 3), Arrays.copyOfRange(sequences[0], 6, 9));
        }
    }

    @Test
    void noRepeatNGramRemovesRepeatedBigrams() {
        try (NDManager manager = NDManager.newBaseManager()) {
            long[][] sequences = generate(manager, greedy().setNoRepeatNgramSize(2), null);
            for (long[] row : sequences) {
                Set<List<Long>> bigrams = new HashSet<>();
                for (int i = 0; i + 1 < row.length; i++) {
                    if (row[i] == 0 && row[i + 1] == 0) {
                        continue;
                    }
                    assertTrue(bigrams.add(List.of(row[i], row[i + 1])), "repeated bigram in " + Arrays.toString(row));
                }
            }
        }
    }

    @Test
    void repetitionPenaltyAvoidsRepeats() {
        try (NDManager manager = NDManager.newBaseManager()) {
            long[][] plain = generate(manager, greedy(), null);
            long[][] penalised = generate(manager, greedy().setRepetitionPenalty(10.0), null);
            assertFalse(Arrays.equals(plain[0], penalised[0]), "row 0 repeats 102 without the penalty");
            assertTrue(distinctNewTokens(penalised[0]) > distinctNewTokens(plain[0]));
        }
    }

    @Test
    void seededSamplingIsReproducible() {
        GenerationConfig sampling = greedy().setDoSample(true).setTemperature(0.8).setTopK(20).setTopP(0.95);
        try (NDManager manager = NDManager.newBaseManager()) {
            long[][] first = generate(manager, sampling, new Random(1234));
            long[][] second = generate(manager, sampling, new Random(1234));
            long[][] other = generate(manager, sampling, new Random(99));
            assertTrue(Arrays.deepEquals(first, second), "same seed, same tokens");
            assertFalse(Arrays.deepEquals(first, other), "another seed draws other tokens");
        }
    }

    @Test
    void samplingReturnsSeveralSequencesPerPrompt() {
        GenerationConfig sampling = greedy().setDoSample(true).setNumReturnSequences(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            long[][] sequences = generate(manager, sampling, new Random(5));
            assertEquals(6, sequences.length);
            for (int copy = 0; copy < 3; copy++) {
                assertArrayEquals(new long[] {566, 64, 527, 113, 586, 777}, Arrays.copyOf(sequences[copy], 6));
                assertArrayEquals(new long[] {0, 0, 0, 461, 375, 922}, Arrays.copyOf(sequences[3 + copy], 6));
            }
        }
    }

    @Test
    void topKOfOneSamplingEqualsGreedy() {
        try (NDManager manager = NDManager.newBaseManager()) {
            long[][] sampled = generate(manager, greedy().setDoSample(true).setTopK(1), new Random(3));
            assertArrayEquals(GREEDY_ROW_0, Arrays.copyOfRange(sampled[0], 6, 14));
            assertArrayEquals(GREEDY_ROW_1, Arrays.copyOfRange(sampled[1], 6, 14));
        }
    }

    @Test
    void beamSearchReturnsBestFirst() {
        GenerationConfig beams = greedy().setNumBeams(3).setNumReturnSequences(2).setReturnDictInGenerate(true);
        try (NDManager manager = NDManager.newBaseManager()) {
            GenerateOutput output = model.generate(golden.array(manager, "gen.input_ids"),
                    golden.array(manager, "gen.attention_mask"), beams, null);
            long[][] sequences = rows(output.sequences());
            long[][] reference = rows(golden.array(manager, "gen.beam3.sequences"));
            assertEquals(4, sequences.length);
            assertArrayEquals(reference[0], sequences[0], "the best beam of prompt 0 comes first");
            assertArrayEquals(reference[1], sequences[2], "the best beam of prompt 1 comes first");
            float[] scores = output.sequencesScores().toFloatArray();
            assertTrue(scores[0] >= scores[1], Arrays.toString(scores));
            assertTrue(scores[2] >= scores[3], Arrays.toString(scores));
            assertNull(output.scores(), "scores only with output_scores");
            assertNull(output.beamIndices(), "beam indices only with output_scores");
        }
    }

    @Test
    void beamSearchEarlyStoppingVariantsRun() {
        for (GenerationConfig.EarlyStopping mode : GenerationConfig.EarlyStopping.values()) {
            GenerationConfig beams = greedy().setNumBeams(3).setEarlyStopping(mode).setEosTokenIds(List.of(102));
            try (NDManager manager = NDManager.newBaseManager()) {
                long[][] sequences = generate(manager, beams, null);
                assertEquals(2, sequences.length, mode.toString());
                assertTrue(sequences[0].length <= 14, mode.toString());
            }
        }
    }

    @Test
    void beamSamplingIsReproducible() {
        GenerationConfig beams = greedy().setNumBeams(2).setDoSample(true);
        try (NDManager manager = NDManager.newBaseManager()) {
            assertTrue(Arrays.deepEquals(generate(manager, beams, new Random(11)),
                    generate(manager, beams, new Random(11))));
        }
    }

    @Test
    void missingMaskIsInferredFromPadToken() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GenerateOutput output = model.generate(golden.array(manager, "gen.input_ids"), null, greedy(), null);
            assertArrayEquals(golden.tensor("gen.greedy.sequences").toLongArray(), output.sequences().toLongArray());
        }
    }

    @Test
    void unknownArgumentIsRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray ids = golden.array(manager, "gen.input_ids");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.generate(ids, null, Map.of("max_new_token", 3)));
            assertTrue(e.getMessage().contains("[max_new_token]"), e.getMessage());
        }
    }

    @Test
    void sequencesBeyondPositionTableAreRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray ids = manager.ones(new Shape(1, 60), ai.djl.ndarray.types.DataType.INT64);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.generate(ids, null, Map.of("max_new_tokens", 10)));
            assertTrue(e.getMessage().contains("position_ids holds ids in [64, 64], outside [0, 64)"), e.getMessage());
        }
    }

    private static int distinctNewTokens(long[] row) {
        return (int) Arrays.stream(row, 6, row.length).distinct().count();
    }

    private static long[][] rows(NDArray array) {
        long[] flat = array.toLongArray();
        int width = (int) array.getShape().get(1);
        long[][] rows = new long[(int) array.getShape().get(0)][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
        }
        return rows;
    }
}
