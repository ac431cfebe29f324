package dev.sparkformers.tokenization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** all-MiniLM-L6-v2 reproduces the token strings and ids of the reference sentences exactly. */
class MiniLmReferenceTest {

    private static PreTrainedTokenizer tokenizer;
    private static JsonNode reference;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = AutoTokenizer.fromPretrained(TokenizerFixtures.miniLm());
        reference = TokenizerFiles.JSON.readTree(
                TokenizerFixtures.miniLm().resolve("reference_tokens.json").toFile());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void sentencesMatchReferenceTokensAndIds() {
        assertEquals(5, reference.get("sentences").size());
        for (JsonNode sentence : reference.get("sentences")) {
            String text = sentence.get("text").textValue();
            Encoding encoding = tokenizer.encode(text);

            assertArrayEquals(strings(sentence.get("tokens")), encoding.tokens(), text);
            assertArrayEquals(longs(sentence.get("input_ids")), encoding.inputIds(), text);
            assertArrayEquals(new long[encoding.length()], encoding.tokenTypeIds(), text);
            assertEquals(encoding.length(), encoding.lengthBeforeTruncation(), text);
            assertFalse(encoding.truncated(), text);
        }
    }

    @Test
    void paddedBatchMatchesReferenceLayout() {
        List<String> texts = new ArrayList<>();
        for (JsonNode sentence : reference.get("sentences")) {
            texts.add(sentence.get("text").textValue());
        }
        BatchEncoding batch = tokenizer.batchEncode(texts,
                EncodeOptions.builder().padding(PaddingStrategy.LONGEST).build());

        int paddedLength = reference.get("padded_length").intValue();
        long padId = reference.get("pad_token_id").longValue();
        assertEquals(paddedLength, batch.sequenceLength());
        for (int row = 0; row < texts.size(); row++) {
            long[] ids = longs(reference.get("sentences").get(row).get("input_ids"));
            long[] expectedIds = Arrays.copyOf(ids, paddedLength);
            Arrays.fill(expectedIds, ids.length, paddedLength, padId);
            long[] expectedMask = new long[paddedLength];
            Arrays.fill(expectedMask, 0, ids.length, 1);

            assertArrayEquals(expectedIds, batch.inputIds()[row], "row " + row);
            assertArrayEquals(expectedMask, batch.attentionMask()[row], "row " + row);
            assertArrayEquals(new long[paddedLength], batch.tokenTypeIds()[row], "row " + row);
            assertEquals(ids.length, batch.lengthsBeforeTruncation()[row], "row " + row);
        }
    }

    private static String[] strings(JsonNode array) {
        String[] values = new String[array.size()];
        for (int index = 0; index < values.length; index++) {
            values[index] = array.get(index).textValue();
        }
        return values;
    }

    private static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int index = 0; index < values.length; index++) {
            values[index] = array.get(index).longValue();
        }
        return values;
    }
}
