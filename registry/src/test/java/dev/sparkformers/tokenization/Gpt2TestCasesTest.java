package dev.sparkformers.tokenization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/** GPT-2's byte-level BPE gives the fixture's ids for every case, and decoding gives the text back. */
class Gpt2TestCasesTest {

    private static PreTrainedTokenizer tokenizer;
    private static JsonNode testCases;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = AutoTokenizer.fromPretrained(TokenizerFixtures.gpt2());
        testCases = TokenizerFiles.JSON.readTree(
                TokenizerFixtures.gpt2().resolve("tokenizer_test_cases.json").toFile());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void allCasesEncodeAndDecode() {
        assertEquals(20, testCases.get("cases").size());
        for (JsonNode testCase : testCases.get("cases")) {
            assertRoundTrip(testCase);
        }
    }

    @Test
    void documentedDivergencesEncodeAndDecode() {
        assertEquals(2, testCases.get("known_divergences_from_gpt_3_encoder").size());
        for (JsonNode testCase : testCases.get("known_divergences_from_gpt_3_encoder")) {
            assertRoundTrip(testCase);
        }
    }

    @Test
    void endOfTextIsOneToken() {
        assertArrayEquals(new long[] {50256}, tokenizer.encode("<|endoftext|>").inputIds());
        assertEquals("", tokenizer.decode(new long[] {50256}, true));
    }

    @Test
    void vocabJsonAgreesWithTokenizerJson() throws IOException {
        Map<String, Integer> vocab = TokenizerFiles.JSON.readValue(
                TokenizerFixtures.gpt2().resolve("vocab.json").toFile(),
                TokenizerFiles.JSON.getTypeFactory().constructMapType(Map.class, String.class, Integer.class));
        assertEquals(tokenizer.vocabSize(), vocab.size());
        for (Map.Entry<String, Integer> entry : vocab.entrySet()) {
            assertEquals(entry.getValue().longValue(), tokenizer.convertTokenToId(entry.getKey()).getAsLong(),
                    entry.getKey());
        }
    }

    @Test
    void mergesTxtAgreesWithTokenizerJson() throws IOException {
        List<String> lines = Files.readAllLines(TokenizerFixtures.gpt2().resolve("merges.txt"), StandardCharsets.UTF_8);
        JsonNode merges = TokenizerFiles.JSON.readTree(TokenizerFixtures.gpt2().resolve("tokenizer.json").toFile())
                .get("model").get("merges");
        assertEquals("#version: 0.2", lines.get(0));
        assertEquals(merges.size(), lines.size() - 1);
        for (int index = 0; index < merges.size(); index++) {
            assertEquals(lines.get(index + 1), merges.get(index).textValue(), "merge " + index);
        }
    }

    private static void assertRoundTrip(JsonNode testCase) {
        String text = testCase.get("text").textValue();
        long[] expected = new long[testCase.get("ids").size()];
        for (int index = 0; index < expected.length; index++) {
            expected[index] = testCase.get("ids").get(index).longValue();
        }

        long[] ids = tokenizer.encode(text).inputIds();
        assertArrayEquals(expected, ids, "ids of " + text);
        assertEquals(text, tokenizer.decode(ids), "decode of " + text);
    }
}
