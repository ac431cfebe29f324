package dev.sparkformers.tokenization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Broken tokenizer directories fail with an exception that names the file and the problem. */
class TokenizerFileErrorsTest {

    @TempDir
    Path tempDir;

    @Test
    void missingDirectoryIsReported() {
        Path missing = tempDir.resolve("nowhere");
        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> AutoTokenizer.fromPretrained(missing));
        assertEquals(missing.toString(), error.location());
        assertTrue(error.getMessage().contains("not found"), error.getMessage());
    }

    @Test
    void fileInsteadOfDirectoryIsReported() throws IOException {
        Path file = Files.writeString(tempDir.resolve("tokenizer.json"), "{}");
        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> AutoTokenizer.fromPretrained(file));
        assertTrue(error.getMessage().contains("is not a directory"), error.getMessage());
    }

    @Test
    void missingTokenizerJsonListsFiles() throws IOException {
        Files.writeString(tempDir.resolve("vocab.txt"), "[PAD]\n");
        Files.writeString(tempDir.resolve("config.json"), "{}");
        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> AutoTokenizer.fromPretrained(tempDir));
        assertTrue(error.getMessage().contains("tokenizer.json not found"), error.getMessage());
        assertTrue(error.getMessage().contains("[config.json, vocab.txt]"), error.getMessage());
    }

    @Test
    void malformedJsonIsReported() throws IOException {
        Path file = writeTokenizer("{\"model\": {\"type\": \"BPE\", ");
        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> AutoTokenizer.fromPretrained(tempDir));
        assertEquals(file.toString(), error.location());
        assertTrue(error.getMessage().contains("is not valid JSON"), error.getMessage());
    }

    @Test
    void emptyFileIsReported() throws IOException {
        writeTokenizer("");
        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> AutoTokenizer.fromPretrained(tempDir));
        assertTrue(error.getMessage().contains("is empty"), error.getMessage());
    }

    @Test
    void jsonArrayIsReported() throws IOException {
        writeTokenizer("[1, 2, 3]");
        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> AutoTokenizer.fromPretrained(tempDir));
        assertTrue(error.getMessage().contains("must contain a JSON object, but contains an array"),
                error.getMessage());
    }

    @Test
    void missingModelIsReported() throws IOException {
        writeTokenizer("{\"version\": \"1.0\", \"added_tokens\": []}");
        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> AutoTokenizer.fromPretrained(tempDir));
        assertTrue(error.getMessage().contains("has no \"model\" object"), error.getMessage());
    }

    @Test
    void unsupportedModelTypeListsSupported() throws IOException {
        writeTokenizer("{\"model\": {\"type\": \"CharLevel\", \"vocab\": {\"a\": 0}}}");
        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> AutoTokenizer.fromPretrained(tempDir));
        assertTrue(error.getMessage().contains("model type \"CharLevel\" is not supported"), error.getMessage());
        assertTrue(error.getMessage().contains("BPE, WordPiece, WordLevel, Unigram"), error.getMessage());
    }

    @Test
    void badVocabularyIsReported() throws IOException {
        writeTokenizer("{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": -4}, \"unk_token\": \"a\"}}");
        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> AutoTokenizer.fromPretrained(tempDir));
        assertTrue(error.getMessage().contains("model vocab entry \"a\""), error.getMessage());
    }

    @Test
    void badAddedTokenIsReported() throws IOException {
        writeTokenizer("{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 0}, \"unk_token\": \"a\"},"
                + " \"added_tokens\": [{\"id\": \"seven\", \"content\": \"<x>\"}]}");
        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> AutoTokenizer.fromPretrained(tempDir));
        assertTrue(error.getMessage().contains("added_tokens[0] \"<x>\""), error.getMessage());
    }

    @Test
    void nativeRejectionIsReportedWithoutCrash() throws IOException {
        writeTokenizer("{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 0}, \"unk_token\": \"a\"},"
                + " \"pre_tokenizer\": {\"type\": \"NoSuchPreTokenizer\"}}");
        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> AutoTokenizer.fromPretrained(tempDir));
        assertTrue(error.getMessage().contains("rejected by the HF tokenizers native library"), error.getMessage());
    }

    @Test
    void minimalWordLevelTokenizerLoads() throws IOException {
        writeTokenizer("{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"[UNK]\": 0, \"hi\": 1, \"there\": 2},"
                + " \"unk_token\": \"[UNK]\"}, \"pre_tokenizer\": {\"type\": \"Whitespace\"}}");
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(tempDir)) {
            assertEquals(3, tokenizer.vocabSize());
            assertEquals(1, tokenizer.encode("hi there you").inputIds()[0]);
        }
    }

    @Test
    void malformedTokenizerConfigIsReported() throws IOException {
        Path directory = TokenizerFixtures.copy(TokenizerFixtures.miniLm(), tempDir.resolve("bad-config"));
        Path config = directory.resolve(TokenizerFiles.TOKENIZER_CONFIG_FILE);
        TokenizerFixtures.write(config, "{\"model_max_length\": 512,");
        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> AutoTokenizer.fromPretrained(directory));
        assertEquals(config.toString(), error.location());
        assertTrue(error.getMessage().contains("is not valid JSON"), error.getMessage());
    }

    @Test
    void wrongTypesInTokenizerConfigAreReported() throws IOException {
        Path directory = TokenizerFixtures.copy(TokenizerFixtures.miniLm(), tempDir.resolve("bad-values"));
        Path config = directory.resolve(TokenizerFiles.TOKENIZER_CONFIG_FILE);

        TokenizerFixtures.write(config, "{\"model_max_length\": \"512\"}");
        assertConfigError(directory, "\"model_max_length\" must be a number, but is a string");

        TokenizerFixtures.write(config, "{\"model_max_length\": -1}");
        assertConfigError(directory, "\"model_max_length\" must be a positive number of tokens");

        TokenizerFixtures.write(config, "{\"padding_side\": \"top\"}");
        assertConfigError(directory, "\"padding_side\" must be 'left' or 'right', but is 'top'");

        // special_tokens_map.json takes precedence over the config's special tokens, as in transformers.
        Files.delete(directory.resolve(TokenizerFiles.SPECIAL_TOKENS_MAP_FILE));
        TokenizerFixtures.write(config, "{\"pad_token\": 5}");
        assertConfigError(directory, "\"pad_token\" must be a string, null, or an object");

        TokenizerFixtures.write(config, "{\"clean_up_tokenization_spaces\": \"yes\"}");
        assertConfigError(directory, "\"clean_up_tokenization_spaces\" must be true or false");

        TokenizerFixtures.write(config, "[\"not\", \"an\", \"object\"]");
        assertConfigError(directory, "must contain a JSON object, but contains an array");
    }

    @Test
    void fileAboveSizeLimitIsRejected() throws IOException {
        Path file = Files.writeString(tempDir.resolve("big.json"), "{\"padding\": null, \"truncation\": null}");
        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> TokenizerFiles.readJsonObject(file, 10));
        assertTrue(error.getMessage().contains("more than the limit of 10 bytes"), error.getMessage());
    }

    @Test
    void invalidUtf8IsReported() throws IOException {
        Path file = Files.write(tempDir.resolve("tokenizer.json"), new byte[] {'{', '"', (byte) 0xC3, '"', '}'});
        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> AutoTokenizer.fromPretrained(tempDir));
        assertEquals(file.toString(), error.location());
        assertTrue(error.getMessage().contains("is not valid UTF-8"), error.getMessage());
    }

    private Path writeTokenizer(String json) throws IOException {
        return Files.writeString(tempDir.resolve(TokenizerFiles.TOKENIZER_FILE), json);
    }

    private static void assertConfigError(Path directory, String expected) {
        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> AutoTokenizer.fromPretrained(directory));
        assertTrue(error.getMessage().contains(TokenizerFiles.TOKENIZER_CONFIG_FILE), error.getMessage());
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }
}
