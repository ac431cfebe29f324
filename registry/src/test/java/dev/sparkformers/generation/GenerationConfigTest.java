package dev.sparkformers.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkformers.auto.AutoConfig;
import dev.sparkformers.config.InvalidConfigException;
import dev.sparkformers.generation.GenerationConfig.EarlyStopping;
import dev.sparkformers.models.gpt2.GPT2LMHeadModel;
import dev.sparkformers.testing.Golden;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

class GenerationConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void goldenFileRoundTripsByteForByte() throws IOException {
        Path file = Golden.directory("tiny-gpt2").resolve(GenerationConfig.GENERATION_CONFIG_NAME);
        GenerationConfig config = GenerationConfig.fromPretrained(file);
        assertEquals(Files.readString(file), config.toJsonString());
    }

    @Test
    void derivedFromModelConfigEqualsHuggingFaceFile() throws IOException {
        Path checkpoint = Golden.directory("tiny-gpt2");
        GenerationConfig derived = GenerationConfig.fromModelConfig(AutoConfig.fromPretrained(checkpoint));
        assertEquals(Files.readString(checkpoint.resolve(GenerationConfig.GENERATION_CONFIG_NAME)),
                derived.toJsonString());
    }

    @Test
    void checkpointWithoutFileFallsBackToModelConfig() throws IOException {
        Path checkpoint = Golden.directory("tiny-gpt2-cls");
        GenerationConfig config = GenerationConfig.fromPretrainedOrModelConfig(checkpoint,
                AutoConfig.fromPretrained(checkpoint));
        assertTrue(config.isFromModelConfig());
        assertEquals(0, config.padTokenId().getAsInt());
        assertEquals(List.of(999), config.eosTokenIds());
    }

    @Test
    void savePretrainedWritesHuggingFaceText() throws IOException {
        Path saved = dir.resolve("saved");
        try (GPT2LMHeadModel model = GPT2LMHeadModel.fromPretrained(Golden.directory("tiny-gpt2"))) {
            model.savePretrained(saved);
        }
        assertEquals(Files.readString(Golden.directory("tiny-gpt2").resolve(GenerationConfig.GENERATION_CONFIG_NAME)),
                Files.readString(saved.resolve(GenerationConfig.GENERATION_CONFIG_NAME)));
    }

    @Test
    void defaultsMatchHuggingFace() {
        GenerationConfig config = new GenerationConfig();
        assertEquals(20, config.maxLength());
        assertEquals(0, config.minLength());
        assertFalse(config.doSample());
        assertEquals(1, config.numBeams());
        assertEquals(50, config.topK());
        assertEquals(1.0, config.topP());
        assertEquals(1.0, config.temperature());
        assertEquals(EarlyStopping.FALSE, config.earlyStopping());
        assertEquals(GenerationMode.GREEDY_SEARCH, config.generationMode());
        assertEquals("{}\n", config.toJsonString(), "a default config differs from the defaults in no key");
    }

    @Test
    void updateReturnsUnusedKeys() {
        GenerationConfig config = new GenerationConfig();
        Set<String> unused = config.update(Map.of("num_beams", 4, "early_stopping", "never", "not_a_setting", 1));
        assertEquals(Set.of("not_a_setting"), unused);
        assertEquals(4, config.numBeams());
        assertEquals(EarlyStopping.NEVER, config.earlyStopping());
        assertEquals(GenerationMode.BEAM_SEARCH, config.generationMode());
    }

    @Test
    void copyIsIndependent() {
        GenerationConfig original = new GenerationConfig().setMaxNewTokens(5);
        GenerationConfig copy = original.copy().setMaxNewTokens(9).setDoSample(true);
        assertEquals(5, original.maxNewTokens());
        assertFalse(original.doSample());
        assertEquals(9, copy.maxNewTokens());
        assertEquals(GenerationMode.SAMPLE, copy.generationMode());
    }

    @Test
    void untypedKeysAreKeptAndWritten() throws IOException {
        GenerationConfig config = read("{\"num_assistant_tokens\": 7, \"my_key\": [1, 2]}");
        JsonNode saved = JSON.readTree(config.toJsonString());
        assertEquals(7, saved.get("num_assistant_tokens").asInt());
        assertEquals(JSON.readTree("[1, 2]"), saved.get("my_key"));
        config.validate();
    }

    @Test
    void defaultValuesAreNotWritten() throws IOException {
        GenerationConfig config = read("{\"num_beam_groups\": 1, \"typical_p\": 1, \"top_k\": 50, \"num_beams\": 2}");
        JsonNode saved = JSON.readTree(config.toJsonString());
        assertFalse(saved.has("num_beam_groups"));
        assertFalse(saved.has("typical_p"), "1 equals the default 1.0, as in Python");
        assertFalse(saved.has("top_k"));
        assertEquals(2, saved.get("num_beams").asInt());
    }

    @Test
    void unimplementedSettingsAreRejected() throws IOException {
        for (String json : List.of("{\"num_beam_groups\": 2}", "{\"suppress_tokens\": [1]}",
                "{\"penalty_alpha\": 0.6}", "{\"stop_strings\": [\"x\"]}")) {
            GenerationConfig config = read(json);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::validate, json);
            assertTrue(e.getMessage().contains("is not implemented"), e.getMessage());
        }
    }

    @Test
    void samplingFiltersRejectedOnlyWhenSampling() throws IOException {
        GenerationConfig greedy = read("{\"typical_p\": 0.9}");
        greedy.validate();
        GenerationConfig sampling = read("{\"typical_p\": 0.9, \"do_sample\": true}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, sampling::validate);
        assertTrue(e.getMessage().contains("typical_p"), e.getMessage());
    }

    @Test
    void invalidValuesAreRejectedWithHuggingFaceMessages() {
        Map<GenerationConfig, String> cases = Map.of(
                new GenerationConfig().setMaxNewTokens(0), "`max_new_tokens` must be greater than 0",
                new GenerationConfig().setNumReturnSequences(2), "Greedy methods without beam search do not support",
                new GenerationConfig().setNumBeams(2).setNumReturnSequences(3), "has to be smaller or equal to",
                new GenerationConfig().setDoSample(true).setTemperature(0.0), "`temperature` (=0.0) has to be",
                new GenerationConfig().setDoSample(true).setTopP(1.5), "`top_p` has to be a float > 0 and < 1",
                new GenerationConfig().setRepetitionPenalty(0.0), "`penalty` has to be a strictly positive float");
        cases.forEach((config, message) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::validate, message);
            assertTrue(e.getMessage().contains(message), e.getMessage());
        });
    }

    @Test
    void malformedEarlyStoppingIsRejected() throws IOException {
        GenerationConfig config = read("{\"early_stopping\": \"sometimes\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::validate);
        assertTrue(e.getMessage().contains("early_stopping is \"sometimes\""), e.getMessage());
    }

    @Test
    void wrongTypeNamesTheKey() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> GenerationConfig.fromJson(JSON.readTree("{\"num_beams\": \"three\"}"), "test.json"));
        assertTrue(e.getMessage().contains("'num_beams'"), e.getMessage());
    }

    @Test
    void eosListRoundTrips() throws IOException {
        GenerationConfig config = read("{\"eos_token_id\": [3, 7]}");
        assertEquals(List.of(3, 7), config.eosTokenIds());
        assertEquals(JSON.readTree("[3, 7]"), JSON.readTree(config.toJsonString()).get("eos_token_id"));
    }

    private GenerationConfig read(String json) throws IOException {
        Path file = Files.createTempFile(dir, "generation", ".json");
        Files.writeString(file, json);
        return GenerationConfig.fromPretrained(file);
    }
}
