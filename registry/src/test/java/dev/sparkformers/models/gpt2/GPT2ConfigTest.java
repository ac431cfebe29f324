package dev.sparkformers.models.gpt2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkformers.auto.AutoConfig;
import dev.sparkformers.config.InvalidConfigException;
import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.testing.Golden;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class GPT2ConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void defaultsMatchHuggingFace() {
        GPT2Config config = new GPT2Config();
        assertEquals(50257, config.vocabSize());
        assertEquals(1024, config.nPositions());
        assertEquals(768, config.nEmbd());
        assertEquals(12, config.nLayer());
        assertEquals(12, config.nHead());
        assertNull(config.nInner());
        assertEquals(3072, config.innerSize());
        assertEquals("gelu_new", config.activationFunction());
        assertEquals(1e-5, config.layerNormEpsilon());
        assertTrue(config.scaleAttnWeights());
        assertFalse(config.scaleAttnByInverseLayerIdx());
        assertFalse(config.reorderAndUpcastAttn());
        assertTrue(config.useCache());
        assertEquals(50256, config.bosTokenId().getAsInt());
        assertEquals(List.of(50256), config.eosTokenIds());
        assertTrue(config.padTokenId().isEmpty());
    }

    @Test
    void goldenConfigsRoundTripByteForByte() throws IOException {
        for (String fixture : List.of("tiny-gpt2", "tiny-gpt2-cls")) {
            try (Golden golden = Golden.open(fixture)) {
                String text = golden.json().get("config_json_text").asText();
                Path file = dir.resolve(fixture + ".json");
                Files.writeString(file, text);
                PretrainedConfig config = AutoConfig.fromPretrained(file);
                assertInstanceOf(GPT2Config.class, config);
                assertEquals(text, config.toJsonString(), fixture);
            }
        }
    }

    @Test
    void genericNamesAreAliases() throws IOException {
        Path file = write("""
                {"model_type": "gpt2", "hidden_size": 64, "num_attention_heads": 8, "num_hidden_layers": 3,
                 "max_position_embeddings": 128}
                """);
        GPT2Config config = (GPT2Config) AutoConfig.fromPretrained(file);
        assertEquals(64, config.nEmbd());
        assertEquals(8, config.nHead());
        assertEquals(3, config.nLayer());
        assertEquals(128, config.nPositions());
        assertEquals(64, config.get("hidden_size").asInt());
        assertEquals(3, config.get("num_hidden_layers").asInt());

        JsonNode saved = JSON.readTree(config.toJsonString());
        assertEquals(64, saved.get("n_embd").asInt());
        assertEquals(128, saved.get("n_positions").asInt());
        assertFalse(saved.has("hidden_size"), "the GPT-2 name is written, as HuggingFace does");
        assertFalse(saved.has("num_attention_heads"));
    }

    @Test
    void embeddingWidthMustDivideByHeads() throws IOException {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> AutoConfig.fromPretrained(write("{\"model_type\": \"gpt2\", \"n_embd\": 100, \"n_head\": 12}")));
        assertTrue(e.getMessage().contains("n_embd 100 is not a multiple of n_head 12"), e.getMessage());
    }

    @Test
    void nonPositiveSizesAreRejected() throws IOException {
        for (String key : List.of("vocab_size", "n_positions", "n_embd", "n_head", "n_inner")) {
            Path file = write("{\"model_type\": \"gpt2\", \"" + key + "\": 0}");
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AutoConfig.fromPretrained(file),
                    key);
            assertTrue(e.getMessage().contains(key + " is 0"), e.getMessage());
        }
    }

    @Test
    void unknownActivationIsRejected() throws IOException {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AutoConfig.fromPretrained(
                write("{\"model_type\": \"gpt2\", \"activation_function\": \"gelu_newer\"}")));
        assertTrue(e.getMessage().contains("activation_function 'gelu_newer' is not supported"), e.getMessage());
    }

    @Test
    void eosOutsideVocabularyIsRejected() throws IOException {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AutoConfig.fromPretrained(
                write("{\"model_type\": \"gpt2\", \"vocab_size\": 1000}")));
        assertTrue(e.getMessage().contains("bos_token_id is 50256, outside the vocabulary [0, 1000)"),
                e.getMessage());
    }

    @Test
    void eosListIsChecked() throws IOException {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AutoConfig.fromPretrained(
                write("{\"model_type\": \"gpt2\", \"vocab_size\": 1000, \"bos_token_id\": 1, "
                        + "\"eos_token_id\": [2, 1000]}")));
        assertTrue(e.getMessage().contains("eos_token_id is 1000"), e.getMessage());
    }

    @Test
    void parameterEstimateMatchesBuiltModel() throws IOException {
        GPT2Config config = (GPT2Config) AutoConfig.fromPretrained(Golden.directory("tiny-gpt2"));
        try (GPT2LMHeadModel lm = new GPT2LMHeadModel(config);
                GPT2ForSequenceClassification classifier = new GPT2ForSequenceClassification(config)) {
            long largest = Math.max(lm.parameterCount(), classifier.parameterCount());
            assertEquals(largest, config.estimatedParameterCount());
        }
    }

    private Path write(String json) throws IOException {
        Path file = Files.createTempFile(dir, "config", ".json");
        Files.writeString(file, json);
        return file;
    }
}
