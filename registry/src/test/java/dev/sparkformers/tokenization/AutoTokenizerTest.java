package dev.sparkformers.tokenization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

class AutoTokenizerTest {

    private static PreTrainedTokenizer miniLm;
    private static PreTrainedTokenizer gpt2;

    @TempDir
    Path tempDir;

    @BeforeAll
    static void load() throws IOException {
        miniLm = AutoTokenizer.fromPretrained(TokenizerFixtures.miniLm());
        gpt2 = AutoTokenizer.fromPretrained(TokenizerFixtures.gpt2());
    }

    @AfterAll
    static void close() {
        miniLm.close();
        gpt2.close();
    }

    @Test
    void miniLmSettingsFromConfig() {
        assertEquals("WordPiece", miniLm.modelType());
        assertEquals("BertTokenizer", miniLm.tokenizerClass().orElseThrow());
        assertEquals(30522, miniLm.vocabSize());
        assertEquals(30522, miniLm.vocabSizeWithAddedTokens());
        assertEquals(512, miniLm.modelMaxLength());
        assertTrue(miniLm.hasModelMaxLength());
        assertEquals(Side.RIGHT, miniLm.paddingSide());
        assertEquals(Side.RIGHT, miniLm.truncationSide());
        assertTrue(miniLm.cleanUpTokenizationSpaces());
        assertEquals(2, miniLm.numSpecialTokensToAdd(false));
        assertEquals(3, miniLm.numSpecialTokensToAdd(true));
    }

    @Test
    void miniLmSpecialTokensAndIds() {
        assertEquals("[PAD]", miniLm.padToken().orElseThrow());
        assertEquals(0, miniLm.padTokenId().getAsLong());
        assertEquals("[UNK]", miniLm.unkToken().orElseThrow());
        assertEquals(100, miniLm.unkTokenId().getAsLong());
        assertEquals("[CLS]", miniLm.clsToken().orElseThrow());
        assertEquals(101, miniLm.clsTokenId().getAsLong());
        assertEquals("[SEP]", miniLm.sepToken().orElseThrow());
        assertEquals(102, miniLm.sepTokenId().getAsLong());
        assertEquals("[MASK]", miniLm.maskToken().orElseThrow());
        assertEquals(103, miniLm.maskTokenId().getAsLong());
        assertTrue(miniLm.bosToken().isEmpty());
        assertTrue(miniLm.bosTokenId().isEmpty());
        assertTrue(miniLm.eosTokenId().isEmpty());
        assertEquals(Set.of(0L, 100L, 101L, 102L, 103L), miniLm.allSpecialIds());
    }

    @Test
    void gpt2SettingsFromConfig() {
        assertEquals("BPE", gpt2.modelType());
        assertEquals(50257, gpt2.vocabSize());
        assertEquals(50257, gpt2.vocabSizeWithAddedTokens());
        assertEquals(1024, gpt2.modelMaxLength());
        assertFalse(gpt2.cleanUpTokenizationSpaces());
        assertEquals("<|endoftext|>", gpt2.eosToken().orElseThrow());
        assertEquals(50256, gpt2.eosTokenId().getAsLong());
        assertEquals(50256, gpt2.bosTokenId().getAsLong());
        assertEquals(50256, gpt2.unkTokenId().getAsLong());
        assertTrue(gpt2.padToken().isEmpty(), "tokenizer_config.json sets pad_token to null");
        assertTrue(gpt2.padTokenId().isEmpty());
        assertEquals(0, gpt2.numSpecialTokensToAdd(false));
        assertEquals(0, gpt2.numSpecialTokensToAdd(true));
    }

    @Test
    void convertTokensToIdsUsesUnkForUnknown() {
        assertArrayEquals(new long[] {101, 7592, 100}, miniLm.convertTokensToIds(List.of("[CLS]", "hello", "zzz-not-a-token")));
        assertEquals(OptionalLong.of(50256), gpt2.convertTokenToId("not a single gpt2 token"));
        assertEquals(OptionalLong.of(15496), gpt2.convertTokenToId("Hello"));
    }

    @Test
    void convertTokensToIdsWithoutUnkFails() throws IOException {
        Path directory = TokenizerFixtures.copy(TokenizerFixtures.miniLm(), tempDir.resolve("no-unk"));
        Files.delete(directory.resolve(TokenizerFiles.TOKENIZER_CONFIG_FILE));
        Files.delete(directory.resolve(TokenizerFiles.SPECIAL_TOKENS_MAP_FILE));
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(directory)) {
            assertTrue(tokenizer.convertTokenToId("zzz-not-a-token").isEmpty());
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> tokenizer.convertTokensToIds(List.of("hello", "zzz-not-a-token")));
            assertTrue(error.getMessage().contains("'zzz-not-a-token' at index 1"), error.getMessage());
        }
    }

    @Test
    void convertIdsToTokensSkipsSpecialOnRequest() {
        assertArrayEquals(new String[] {"[CLS]", "hello", "[SEP]"},
                miniLm.convertIdsToTokens(new long[] {101, 7592, 102}));
        assertArrayEquals(new String[] {"hello"}, miniLm.convertIdsToTokens(new long[] {101, 7592, 102}, true));
        assertNull(miniLm.convertIdsToTokens(new long[] {999_999})[0]);
        assertNull(miniLm.convertIdsToTokens(new long[] {-1})[0]);
    }

    @Test
    void overridesReplaceConfigValues() throws IOException {
        Map<String, Object> overrides = Map.of("pad_token", "<|endoftext|>", "padding_side", "left",
                "model_max_length", 64);
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(TokenizerFixtures.gpt2(), overrides)) {
            assertEquals(50256, tokenizer.padTokenId().getAsLong());
            assertEquals(Side.LEFT, tokenizer.paddingSide());
            assertEquals(64, tokenizer.modelMaxLength());
        }
    }

    @Test
    void invalidOverrideIsCallerError() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> AutoTokenizer.fromPretrained(TokenizerFixtures.gpt2(), Map.of("padding_side", "top")));
        assertTrue(error.getMessage().contains("overrides"), error.getMessage());
        assertTrue(error.getMessage().contains("'top'"), error.getMessage());
    }

    @Test
    void missingModelMaxLengthIsUnbounded() throws IOException {
        Path directory = TokenizerFixtures.copy(TokenizerFixtures.gpt2(), tempDir.resolve("unbounded"));
        Files.delete(directory.resolve(TokenizerFiles.TOKENIZER_CONFIG_FILE));
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(directory)) {
            assertFalse(tokenizer.hasModelMaxLength());
            assertEquals(Integer.MAX_VALUE, tokenizer.modelMaxLength());
            // special_tokens_map.json still supplies the special tokens.
            assertEquals(50256, tokenizer.eosTokenId().getAsLong());
        }
    }

    @Test
    void hugeModelMaxLengthIsUnbounded() throws IOException {
        Path directory = TokenizerFixtures.copy(TokenizerFixtures.miniLm(), tempDir.resolve("huge"));
        Path config = directory.resolve(TokenizerFiles.TOKENIZER_CONFIG_FILE);
        TokenizerFixtures.write(config, TokenizerFixtures.read(config)
                .replace("\"model_max_length\": 512", "\"model_max_length\": 1000000000000000019884624838656"));
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(directory)) {
            assertFalse(tokenizer.hasModelMaxLength());
        }
    }

    @Test
    void legacyMaxLenKeyIsRead() throws IOException {
        Path directory = TokenizerFixtures.copy(TokenizerFixtures.miniLm(), tempDir.resolve("max-len"));
        Path config = directory.resolve(TokenizerFiles.TOKENIZER_CONFIG_FILE);
        TokenizerFixtures.write(config, TokenizerFixtures.read(config)
                .replace("\"model_max_length\": 512", "\"max_len\": 256"));
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(directory)) {
            assertEquals(256, tokenizer.modelMaxLength());
        }
    }

    @Test
    void specialTokensMapTakesPrecedence() throws IOException {
        Path directory = TokenizerFixtures.copy(TokenizerFixtures.miniLm(), tempDir.resolve("map-wins"));
        TokenizerFixtures.write(directory.resolve(TokenizerFiles.SPECIAL_TOKENS_MAP_FILE),
                "{\"pad_token\": {\"content\": \"[MASK]\", \"lstrip\": false}}");
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(directory)) {
            assertEquals("[MASK]", tokenizer.padToken().orElseThrow());
            assertEquals(103, tokenizer.padTokenId().getAsLong());
            assertEquals("[CLS]", tokenizer.clsToken().orElseThrow(), "keys absent from the map come from the config");
        }
    }

    @Test
    void configWithAddedTokensDecoderIgnoresMap() throws IOException {
        Path directory = TokenizerFixtures.copy(TokenizerFixtures.miniLm(), tempDir.resolve("config-wins"));
        Path config = directory.resolve(TokenizerFiles.TOKENIZER_CONFIG_FILE);
        TokenizerFixtures.write(config, TokenizerFixtures.read(config)
                .replace("{", "{\"added_tokens_decoder\": {},"));
        TokenizerFixtures.write(directory.resolve(TokenizerFiles.SPECIAL_TOKENS_MAP_FILE),
                "{\"pad_token\": \"[MASK]\"}");
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(directory)) {
            assertEquals("[PAD]", tokenizer.padToken().orElseThrow());
        }
    }

    @Test
    void missingSpecialTokensBecomeAddedTokens() throws IOException {
        Path directory = TokenizerFixtures.copy(TokenizerFixtures.miniLm(), tempDir.resolve("augment"));
        Path tokenizerFile = directory.resolve(TokenizerFiles.TOKENIZER_FILE);
        ObjectNode root = (ObjectNode) TokenizerFiles.JSON.readTree(tokenizerFile.toFile());
        removeAddedToken(root, "[MASK]");
        TokenizerFiles.JSON.writeValue(tokenizerFile.toFile(), root);
        Path config = directory.resolve(TokenizerFiles.TOKENIZER_CONFIG_FILE);
        TokenizerFixtures.write(config, TokenizerFixtures.read(config)
                .replace("{", "{\"additional_special_tokens\": [\"<extra>\"],"));

        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(directory)) {
            // [MASK] is in the WordPiece vocabulary and keeps its id, while <extra> gets the next free id.
            Encoding encoding = tokenizer.encode("the [MASK] and <extra> here");
            assertArrayEquals(new String[] {"[CLS]", "the", "[MASK]", "and", "<extra>", "here", "[SEP]"},
                    encoding.tokens());
            assertEquals(103, encoding.inputIds()[2]);
            assertEquals(30522, encoding.inputIds()[4]);
            assertEquals(30523, tokenizer.vocabSizeWithAddedTokens());
            assertEquals(List.of("<extra>"), tokenizer.additionalSpecialTokens());
            assertEquals("the and here", tokenizer.decode(encoding.inputIds(), true));
        }
    }

    @Test
    void addPrefixSpaceFromConfigChangesPreTokenizer() throws IOException {
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(TokenizerFixtures.gpt2(),
                Map.of("add_prefix_space", true))) {
            // With a prefix space, "Hello" encodes as " Hello" (18435) instead of "Hello" (15496).
            assertArrayEquals(new long[] {18435, 995}, tokenizer.encode("Hello world").inputIds());
        }
        assertArrayEquals(new long[] {15496, 995}, gpt2.encode("Hello world").inputIds());
    }

    @Test
    void unknownOverrideKeysAreIgnored() throws IOException {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("use_fast", true);
        overrides.put("pad_token", null);
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(TokenizerFixtures.miniLm(), overrides)) {
            assertTrue(tokenizer.padToken().isEmpty(), "a null override removes the pad token");
        }
    }

    @Test
    void toStringNamesDirectory() {
        assertTrue(miniLm.toString().contains("all-MiniLM-L6-v2"), miniLm.toString());
    }

    private static void removeAddedToken(ObjectNode root, String content) {
        ArrayNode added = (ArrayNode) root.get("added_tokens");
        Iterator<JsonNode> tokens = added.elements();
        while (tokens.hasNext()) {
            if (content.equals(tokens.next().get("content").textValue())) {
                tokens.remove();
            }
        }
    }
}
