package dev.sparkformers.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkformers.models.gpt2.GPT2LMHeadModel;
import dev.sparkformers.testing.Golden;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * GPT-2 generation against HuggingFace transformers 4.43.4: greedy and 3-beam search on two
 * left-padded prompts give the recorded sequences exactly, and their per-step scores, logits,
 * sequence scores and beam indices within 2e-5 or exactly.
 */
class GenerationGoldenParityTest {

    private static final double TOLERANCE = 2e-5;
    private static final ObjectMapper JSON = new ObjectMapper();

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

    @Test
    void greedyMatchesReference() {
        checkMode("greedy");
    }

    @Test
    void beamSearchMatchesReference() {
        checkMode("beam3");
    }

    private static void checkMode(String mode) {
        Map<String, Double> maxima = new TreeMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            GenerateOutput output = model.generate(golden.array(manager, "gen.input_ids"),
                    golden.array(manager, "gen.attention_mask"), generateKwargs(mode));
            String prefix = "gen." + mode + ".";

            assertArrayEquals(golden.tensor(prefix + "sequences").toLongArray(), output.sequences().toLongArray(),
                    mode + " sequences");
            maxima.put(prefix + "scores", golden.maxAbsDiff(stackSteps(output.scores()), prefix + "scores"));
            maxima.put(prefix + "logits", golden.maxAbsDiff(stackSteps(output.logits()), prefix + "logits"));
            if (mode.startsWith("beam")) {
                maxima.put(prefix + "sequences_scores", golden.maxAbsDiff(output.sequencesScores(),
                        prefix + "sequences_scores"));
                assertArrayEquals(golden.tensor(prefix + "beam_indices").toLongArray(),
                        output.beamIndices().toLongArray(), mode + " beam indices");
            } else {
                assertNull(output.sequencesScores());
                assertNull(output.beamIndices());
            }
        }
        maxima.forEach((name, diff) -> System.out.printf("tiny-gpt2 %s max |diff| %.3g%n", name, diff));
        maxima.forEach((name, diff) -> assertTrue(diff <= TOLERANCE, name + " differs by " + diff));
    }

    @Test
    void sequencesWithoutCacheAreIdentical() {
        for (String mode : List.of("greedy", "beam3")) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Map<String, Object> kwargs = generateKwargs(mode);
                kwargs.put("use_cache", false);
                GenerateOutput output = model.generate(golden.array(manager, "gen.input_ids"),
                        golden.array(manager, "gen.attention_mask"), kwargs);
                assertArrayEquals(golden.tensor("gen." + mode + ".sequences").toLongArray(),
                        output.sequences().toLongArray(), mode + " without cache");
            }
        }
    }

    @Test
    void promptsAloneGiveTheSameNewTokens() {
        for (String mode : List.of("greedy", "beam3")) {
            JsonNode reference = golden.json().get("generation").get("modes").get(mode);
            JsonNode prompts = golden.json().get("generation").get("prompts");
            for (int i = 0; i < prompts.size(); i++) {
                try (NDManager manager = NDManager.newBaseManager()) {
                    long[] prompt = longs(prompts.get(i));
                    NDArray ids = manager.create(prompt, new ai.djl.ndarray.types.Shape(1, prompt.length));
                    GenerateOutput output = model.generate(ids, null, generateKwargs(mode));
                    assertArrayEquals(longs(reference.get("unbatched_sequences").get(i)),
                            output.sequences().toLongArray(), mode + " prompt " + i + " alone");
                }
            }
        }
    }

    @Test
    void effectiveSettingsMatchHuggingFace() {
        for (String mode : List.of("greedy", "beam3")) {
            GenerationConfig settings = model.generationConfig().copy();
            assertTrue(settings.update(generateKwargs(mode)).isEmpty(), "every reference argument is a setting");
            JsonNode expected = golden.json().get("generation").get("modes").get(mode)
                    .get("effective_generation_config");
            assertEquals(new TreeMap<>(asMap(expected)), new TreeMap<>(asMap(settings.toDict())), mode);
        }
    }

    @Test
    void modelSettingsComeFromTheCheckpoint() {
        assertEquals(golden.json().get("generation_config_json_text").asText(),
                model.generationConfig().toJsonString());
        assertTrue(model.generationConfig().isFromModelConfig());
        assertEquals(List.of(999), model.generationConfig().eosTokenIds());
    }

    /** Returns the exact keyword arguments HuggingFace's generate received, as recorded in reference.json. */
    static Map<String, Object> generateKwargs(String mode) {
        JsonNode kwargs = golden.json().get("generation").get("modes").get(mode).get("generate_kwargs");
        Map<String, Object> arguments = new HashMap<>(asMap(kwargs));
        return arguments;
    }

    private static Map<String, Object> asMap(JsonNode node) {
        Map<String, Object> map = new HashMap<>();
        node.fields().forEachRemaining(field -> map.put(field.getKey(), JSON.convertValue(field.getValue(),
                Object.class)));
        return map;
    }

    /** Stacks per-step {@code [rows, vocab]} arrays into HuggingFace's recorded {@code [rows, steps, vocab]}. */
    private static NDArray stackSteps(List<NDArray> steps) {
        return NDArrays.stack(new NDList(steps), 1);
    }

    private static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asLong();
        }
        return values;
    }
}
