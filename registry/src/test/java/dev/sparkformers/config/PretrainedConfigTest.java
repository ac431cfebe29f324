package dev.sparkformers.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkformers.auto.AutoConfig;
import dev.sparkformers.auto.ModelRegistry;
import dev.sparkformers.models.bert.BertConfig;
import dev.sparkformers.testing.Golden;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class PretrainedConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Every golden config whose model_type is registered, loaded then saved, gives HuggingFace's exact text. */
    @Test
    void goldenConfigsRoundTripByteForByte() throws IOException {
        int checked = 0;
        for (String fixture : List.of("tiny-bert", "tiny-bert-cls", "tiny-bert-mlm", "tiny-gpt2", "tiny-gpt2-cls")) {
            try (Golden golden = Golden.open(fixture)) {
                String text = golden.json().get("config_json_text").asText();
                String modelType = JSON.readTree(text).get("model_type").asText();
                if (ModelRegistry.get().configClass(modelType) == null) {
                    continue;
                }
                Path file = dir.resolve(fixture + ".json");
                Files.writeString(file, text);
                PretrainedConfig config = AutoConfig.fromPretrained(file);
                assertEquals(text, config.toJsonString(), fixture + ": saved config.json differs from HuggingFace's");
                checked++;
            }
        }
        assertTrue(checked >= 3, "at least the three BERT fixtures are checked");
    }

    @Test
    void unknownKeysAreKeptAndWrittenBack() throws IOException {
        Path file = write("""
                {"model_type": "bert", "hidden_size": 64, "num_attention_heads": 4,
                 "my_custom_key": {"nested": [1, 2.5, "x"]}, "_name_or_path": "org/model"}
                """);
        PretrainedConfig config = AutoConfig.fromPretrained(file);
        JsonNode saved = JSON.readTree(config.toJsonString());
        assertEquals(JSON.readTree("{\"nested\": [1, 2.5, \"x\"]}"), saved.get("my_custom_key"));
        assertEquals("org/model", saved.get("_name_or_path").asText());
        assertEquals(64, saved.get("hidden_size").asInt());
    }

    @Test
    void defaultsAreLeftOutLikeHuggingFace() throws IOException {
        Path file = write("{\"model_type\": \"bert\", \"max_length\": 20, \"num_beams\": 3}");
        JsonNode saved = JSON.readTree(AutoConfig.fromPretrained(file).toJsonString());
        assertFalse(saved.has("max_length"), "a common key equal to its default is not written");
        assertEquals(3, saved.get("num_beams").asInt());
        assertEquals(0, saved.get("pad_token_id").asInt(), "BERT's own default differs from the common one");
        assertTrue(saved.get("classifier_dropout").isNull());
    }

    @Test
    void labelsUseStringKeysInJson() throws IOException {
        Path file = write("""
                {"model_type": "bert", "id2label": {"0": "neg", "1": "neu", "2": "pos"}}
                """);
        PretrainedConfig config = AutoConfig.fromPretrained(file);
        assertEquals(3, config.numLabels());
        assertEquals(Map.of("neg", 0, "neu", 1, "pos", 2), config.label2id());
        assertEquals("pos", config.id2label().get(2));
        JsonNode saved = JSON.readTree(config.toJsonString());
        assertEquals("neu", saved.get("id2label").get("1").asText());
        assertEquals(2, saved.get("label2id").get("pos").asInt());
    }

    @Test
    void numLabelsCreatesDefaultLabels() throws IOException {
        PretrainedConfig config = AutoConfig.fromPretrained(write("{\"model_type\": \"bert\", \"num_labels\": 4}"));
        assertEquals("LABEL_3", config.id2label().get(3));
        assertFalse(JSON.readTree(config.toJsonString()).has("num_labels"));
    }

    @Test
    void numLabelsDisagreeingWithId2labelFails() throws IOException {
        Path file = write("{\"model_type\": \"bert\", \"num_labels\": 3, \"id2label\": {\"0\": \"a\"}}");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AutoConfig.fromPretrained(file));
        assertTrue(e.getMessage().contains("num_labels is 3 but id2label has 1"), e.getMessage());
    }

    @Test
    void nonIntegerLabelKeyFails() throws IOException {
        Path file = write("{\"model_type\": \"bert\", \"id2label\": {\"zero\": \"a\"}}");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AutoConfig.fromPretrained(file));
        assertTrue(e.getMessage().contains("id2label"), e.getMessage());
    }

    @Test
    void invalidJsonNamesTheFile() throws IOException {
        Path file = write("{\"model_type\": \"bert\", ");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AutoConfig.fromPretrained(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void jsonThatIsNotAnObjectFails() throws IOException {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> AutoConfig.fromPretrained(write("[1, 2]")));
        assertTrue(e.getMessage().contains("must contain a JSON object, but contains array"), e.getMessage());
    }

    @Test
    void missingModelTypeListsRegisteredTypes() throws IOException {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> AutoConfig.fromPretrained(write("{\"hidden_size\": 8}")));
        assertTrue(e.getMessage().contains("has no model_type"), e.getMessage());
        assertTrue(e.getMessage().contains("bert"), e.getMessage());
    }

    @Test
    void unknownModelTypeIsNamed() throws IOException {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> AutoConfig.fromPretrained(write("{\"model_type\": \"gpt3\"}")));
        assertTrue(e.getMessage().contains("model_type 'gpt3', which is not registered"), e.getMessage());
        assertTrue(e.getMessage().contains("bert"), e.getMessage());
    }

    @Test
    void wrongValueTypeNamesTheField() throws IOException {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> AutoConfig.fromPretrained(write("{\"model_type\": \"bert\", \"hidden_size\": \"big\"}")));
        assertTrue(e.getMessage().contains("'hidden_size'"), e.getMessage());
        assertTrue(e.getMessage().contains("integer"), e.getMessage());
    }

    @Test
    void fractionalSizeIsRejected() throws IOException {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> AutoConfig.fromPretrained(write("{\"model_type\": \"bert\", \"hidden_size\": 7.5}")));
        assertTrue(e.getMessage().contains("'hidden_size'"), e.getMessage());
    }

    @Test
    void zeroOrNegativeSizesAreRejected() throws IOException {
        for (String key : List.of("vocab_size", "hidden_size", "num_attention_heads", "intermediate_size",
                "max_position_embeddings", "type_vocab_size")) {
            for (int value : new int[] {0, -3}) {
                Path file = write("{\"model_type\": \"bert\", \"" + key + "\": " + value + "}");
                InvalidConfigException e = assertThrows(InvalidConfigException.class,
                        () -> AutoConfig.fromPretrained(file), key + "=" + value);
                assertTrue(e.getMessage().contains(key + " is " + value), e.getMessage());
            }
        }
    }

    @Test
    void hiddenSizeMustDivideByHeads() throws IOException {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AutoConfig.fromPretrained(
                write("{\"model_type\": \"bert\", \"hidden_size\": 100, \"num_attention_heads\": 12}")));
        assertTrue(e.getMessage().contains("not a multiple of num_attention_heads 12"), e.getMessage());
    }

    @Test
    void tokenIdsOutsideVocabularyAreRejected() throws IOException {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AutoConfig.fromPretrained(
                write("{\"model_type\": \"bert\", \"vocab_size\": 100, \"pad_token_id\": 100}")));
        assertTrue(e.getMessage().contains("pad_token_id is 100, outside the vocabulary [0, 100)"), e.getMessage());
    }

    @Test
    void unknownActivationIsRejected() throws IOException {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AutoConfig.fromPretrained(
                write("{\"model_type\": \"bert\", \"hidden_act\": \"swishy\"}")));
        assertTrue(e.getMessage().contains("hidden_act 'swishy' is not supported"), e.getMessage());
    }

    @Test
    void duplicateKeysAreRejected() throws IOException {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AutoConfig.fromPretrained(
                write("{\"model_type\": \"bert\", \"hidden_size\": 8, \"hidden_size\": 16}")));
        assertTrue(e.getMessage().contains("hidden_size"), e.getMessage());
    }

    @Test
    void missingFileIsReported() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> AutoConfig.fromPretrained(dir.resolve("absent")));
    }

    @Test
    void bertDefaultsMatchHuggingFace() {
        BertConfig config = new BertConfig();
        assertEquals(30522, config.vocabSize());
        assertEquals(768, config.hiddenSize());
        assertEquals(12, config.numHiddenLayers());
        assertEquals(3072, config.intermediateSize());
        assertEquals("gelu", config.hiddenAct());
        assertEquals(1e-12, config.layerNormEps());
        assertEquals(0, config.padTokenId().getAsInt());
        assertEquals(2, config.numLabels());
    }

    @Test
    void pythonFloatReprMatches() {
        assertEquals("1e-12", PythonJson.repr(1e-12));
        assertEquals("1e-05", PythonJson.repr(1e-5));
        assertEquals("0.0001", PythonJson.repr(1e-4));
        assertEquals("0.02", PythonJson.repr(0.02));
        assertEquals("0.1", PythonJson.repr(0.1));
        assertEquals("2.0", PythonJson.repr(2.0));
        assertEquals("1.5e-07", PythonJson.repr(1.5e-7));
        assertEquals("1e+16", PythonJson.repr(1e16));
        assertEquals("1000000000000000.0", PythonJson.repr(1e15));
        assertEquals("-0.5", PythonJson.repr(-0.5));
    }

    @Test
    void pythonJsonEscapesNonAscii() throws IOException {
        JsonNode node = JSON.readTree("{\"b\": \"caf\\u00e9 \\ud83d\\ude00\", \"a\": [], \"c\": {}}");
        assertEquals("{\n  \"a\": [],\n  \"b\": \"caf\\u00e9 \\ud83d\\ude00\",\n  \"c\": {}\n}", PythonJson.dumps(node));
    }

    private Path write(String json) throws IOException {
        Path file = Files.createTempFile(dir, "config", ".json");
        Files.writeString(file, json);
        return file;
    }
}
