package dev.sparkformers.tokenization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

class DecodeTest {

    private static PreTrainedTokenizer miniLm;
    private static PreTrainedTokenizer gpt2;

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
    void keepsSpecialTokensByDefault() {
        long[] ids = miniLm.encode("Hello world!").inputIds();
        assertEquals("[CLS] hello world! [SEP]", miniLm.decode(ids));
        assertEquals("[CLS] hello world! [SEP]", miniLm.decode(ids, false));
    }

    @Test
    void skipsSpecialTokensAndPadding() {
        BatchEncoding batch = miniLm.batchEncode(List.of("Hello world!", "The quick brown fox."),
                EncodeOptions.builder().padding(PaddingStrategy.LONGEST).build());
        assertEquals("hello world!", miniLm.decode(batch.inputIds()[0], true));
        assertEquals(List.of("hello world!", "the quick brown fox."), miniLm.batchDecode(batch.inputIds(), true));
    }

    @Test
    void skipsMaskInsideText() {
        long[] ids = miniLm.encode("Paris is the [MASK] of France.").inputIds();
        assertEquals("[CLS] paris is the [MASK] of france. [SEP]", miniLm.decode(ids));
        assertEquals("paris is the of france.", miniLm.decode(ids, true));
    }

    @Test
    void cleanUpFollowsConfig() {
        // GPT-2's config sets clean_up_tokenization_spaces to false, so spaces before punctuation stay.
        String text = "Hello , world . I do n't know !";
        long[] ids = gpt2.encode(text).inputIds();
        assertEquals(text, gpt2.decode(ids));
        assertEquals("Hello, world. I don't know!", gpt2.decode(ids, false, true));
    }

    @Test
    void cleanUpCanBeEnabledAtLoad() throws IOException {
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(TokenizerFixtures.gpt2(),
                Map.of("clean_up_tokenization_spaces", true))) {
            long[] ids = tokenizer.encode("Yes , it 's fine .").inputIds();
            assertEquals("Yes, it's fine.", tokenizer.decode(ids));
        }
    }

    @Test
    void cleanUpTokenizationMatchesTransformers() {
        assertEquals("a, b. c? d! e'f don't I'm it's we've they're",
                PreTrainedTokenizer.cleanUpTokenization("a , b . c ? d ! e ' f do n't I 'm it 's we 've they 're"));
        assertEquals("no change here", PreTrainedTokenizer.cleanUpTokenization("no change here"));
    }

    @Test
    void invalidIdsAreRejected() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> miniLm.decode(new long[] {101, -1}));
        assertTrue(negative.getMessage().contains("token id -1 at index 1"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> miniLm.decode(new long[] {1L << 32}));
    }

    @Test
    void unknownIdsAreSkipped() {
        assertEquals("[CLS]", miniLm.decode(new long[] {101, 4_000_000}));
    }

    @Test
    void emptyIdsDecodeToEmptyText() {
        assertEquals("", miniLm.decode(new long[0]));
        assertEquals("", gpt2.decode(new long[0]));
    }
}
