package dev.sparkformers.tokenization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Padding and truncation follow transformers' {@code tokenizer(...)} arguments, never the file's blocks. */
class PaddingTruncationTest {

    private static final String HELLO = "Hello world!";
    private static final long[] HELLO_IDS = {101, 7592, 2088, 999, 102};
    private static final String FOX = "The quick brown fox jumps over the lazy dog.";
    private static final int FOX_LENGTH = 12;
    private static final String COUNTING = "one two three four five six seven eight nine ten";
    private static final String LONG_TEXT = "word ".repeat(600).trim();

    private static PreTrainedTokenizer miniLm;
    private static PreTrainedTokenizer gpt2;
    private static PreTrainedTokenizer gpt2WithPad;

    @BeforeAll
    static void load() throws IOException {
        miniLm = AutoTokenizer.fromPretrained(TokenizerFixtures.miniLm());
        gpt2 = AutoTokenizer.fromPretrained(TokenizerFixtures.gpt2());
        gpt2WithPad = AutoTokenizer.fromPretrained(TokenizerFixtures.gpt2(),
                Map.of("pad_token", "<|endoftext|>", "padding_side", "left"));
    }

    @AfterAll
    static void close() {
        miniLm.close();
        gpt2.close();
        gpt2WithPad.close();
    }

    @Test
    void defaultOptionsNeitherPadNorTruncate() {
        BatchEncoding batch = miniLm.batchEncode(List.of(HELLO, FOX), EncodeOptions.defaults());
        assertEquals(HELLO_IDS.length, batch.encoding(0).length());
        assertEquals(FOX_LENGTH, batch.encoding(1).length());
        assertFalse(batch.isRectangular());
        assertThrows(IllegalStateException.class, batch::sequenceLength);
    }

    @Test
    void fileBlocksHaveNoEffect() {
        // tokenizer.json sets "padding": {"Fixed": 128} and truncation at 128, and transformers ignores both.
        Encoding encoding = miniLm.encode(LONG_TEXT);
        assertEquals(602, encoding.length());
        assertFalse(encoding.truncated());

        BatchEncoding longest = miniLm.batchEncode(List.of(HELLO, FOX), pad(PaddingStrategy.LONGEST).build());
        assertEquals(FOX_LENGTH, longest.sequenceLength());
    }

    @Test
    void rightPaddingToLongest() {
        BatchEncoding batch = miniLm.batchEncode(List.of(HELLO, FOX), pad(PaddingStrategy.LONGEST).build());
        assertArrayEquals(new long[] {101, 7592, 2088, 999, 102, 0, 0, 0, 0, 0, 0, 0}, batch.inputIds()[0]);
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0}, batch.attentionMask()[0]);
        assertArrayEquals(new long[FOX_LENGTH], batch.tokenTypeIds()[0]);
        assertEquals("[PAD]", batch.encoding(0).tokens()[FOX_LENGTH - 1]);
        assertEquals(1, batch.encoding(0).specialTokensMask()[FOX_LENGTH - 1]);
        assertEquals(HELLO_IDS.length, batch.encoding(0).numTokens());
        assertArrayEquals(new int[] {HELLO_IDS.length, FOX_LENGTH}, batch.lengthsBeforeTruncation());
    }

    @Test
    void leftPaddingPerCall() {
        BatchEncoding batch = miniLm.batchEncode(List.of(HELLO, FOX),
                pad(PaddingStrategy.LONGEST).paddingSide(Side.LEFT).build());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 101, 7592, 2088, 999, 102}, batch.inputIds()[0]);
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, batch.attentionMask()[0]);
        assertEquals(1, batch.attentionMask()[1][0], "the longest row is not padded");
    }

    @Test
    void gpt2BatchIsLeftPaddedWithEos() {
        BatchEncoding batch = gpt2WithPad.batchEncode(List.of("Hello world", "The quick brown fox"),
                pad(PaddingStrategy.LONGEST).build());
        assertArrayEquals(new long[] {50256, 50256, 15496, 995}, batch.inputIds()[0]);
        assertArrayEquals(new long[] {0, 0, 1, 1}, batch.attentionMask()[0]);
        assertArrayEquals(new long[] {464, 2068, 7586, 21831}, batch.inputIds()[1]);
        assertArrayEquals(new long[] {1, 1, 1, 1}, batch.attentionMask()[1]);
    }

    @Test
    void paddingWithoutPadTokenFails() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> gpt2.batchEncode(List.of("a", "b c"), pad(PaddingStrategy.LONGEST).build()));
        assertTrue(error.getMessage().contains("no pad token"), error.getMessage());
    }

    @Test
    void maxLengthPaddingUsesMaxLength() {
        BatchEncoding batch = miniLm.batchEncode(List.of(HELLO, FOX),
                pad(PaddingStrategy.MAX_LENGTH).maxLength(16).build());
        assertEquals(16, batch.sequenceLength());
        assertEquals(FOX_LENGTH, batch.encoding(1).numTokens());
    }

    @Test
    void maxLengthPaddingUsesModelMaxLength() {
        Encoding encoding = miniLm.encode(HELLO, pad(PaddingStrategy.MAX_LENGTH).build());
        assertEquals(512, encoding.length());
        assertEquals(HELLO_IDS.length, encoding.numTokens());
    }

    @Test
    void maxLengthPaddingLeavesLongerRowsUntruncated() {
        BatchEncoding batch = miniLm.batchEncode(List.of(HELLO, FOX),
                pad(PaddingStrategy.MAX_LENGTH).maxLength(8).truncation(false).build());
        assertEquals(8, batch.encoding(0).length());
        assertEquals(FOX_LENGTH, batch.encoding(1).length());
        assertFalse(batch.encoding(1).truncated());
    }

    @Test
    void longestPaddingRoundsUpToMultiple() {
        BatchEncoding batch = miniLm.batchEncode(List.of(HELLO, FOX),
                pad(PaddingStrategy.LONGEST).padToMultipleOf(8).build());
        assertEquals(16, batch.sequenceLength());
    }

    @Test
    void maxLengthPaddingRoundsUpToMultiple() {
        Encoding encoding = miniLm.encode(HELLO, pad(PaddingStrategy.MAX_LENGTH).maxLength(10).padToMultipleOf(8)
                .build());
        assertEquals(16, encoding.length());
    }

    @Test
    void padToMultipleWithoutPaddingHasNoEffect() {
        assertEquals(HELLO_IDS.length, miniLm.encode(HELLO, EncodeOptions.builder().padToMultipleOf(8).build())
                .length());
    }

    @Test
    void truncationLengthMustBeMultipleWhenPadding() {
        EncodeOptions options = pad(PaddingStrategy.MAX_LENGTH).maxLength(10).padToMultipleOf(8).truncation(true)
                .build();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> miniLm.encode(HELLO, options));
        assertTrue(error.getMessage().contains("not a multiple of padToMultipleOf 8"), error.getMessage());
    }

    @Test
    void truncationKeepsClsAndSep() {
        Encoding encoding = miniLm.encode(COUNTING, EncodeOptions.builder().truncation(true).maxLength(8).build());
        assertArrayEquals(new String[] {"[CLS]", "one", "two", "three", "four", "five", "six", "[SEP]"},
                encoding.tokens());
        assertEquals(102, encoding.inputIds()[7]);
        assertEquals(12, encoding.lengthBeforeTruncation());
        assertTrue(encoding.truncated());
    }

    @Test
    void leftTruncationKeepsClsAndSep() {
        Encoding encoding = miniLm.encode(COUNTING,
                EncodeOptions.builder().truncation(true).maxLength(8).truncationSide(Side.LEFT).build());
        assertArrayEquals(new String[] {"[CLS]", "five", "six", "seven", "eight", "nine", "ten", "[SEP]"},
                encoding.tokens());
    }

    @Test
    void shortTextIsNotFlaggedAsTruncated() {
        Encoding encoding = miniLm.encode(HELLO, EncodeOptions.builder().truncation(true).maxLength(8).build());
        assertArrayEquals(HELLO_IDS, encoding.inputIds());
        assertEquals(HELLO_IDS.length, encoding.lengthBeforeTruncation());
        assertFalse(encoding.truncated());
    }

    @Test
    void exactFitIsNotTruncated() {
        Encoding encoding = miniLm.encode(HELLO, EncodeOptions.builder().truncation(true).maxLength(5).build());
        assertFalse(encoding.truncated());
        assertEquals(5, encoding.length());
    }

    @Test
    void batchReportsCountsBeforeTruncation() {
        BatchEncoding batch = miniLm.batchEncode(List.of(HELLO, COUNTING, LONG_TEXT),
                pad(PaddingStrategy.LONGEST).truncation(true).maxLength(8).build());
        assertEquals(8, batch.sequenceLength());
        assertArrayEquals(new int[] {5, 12, 602}, batch.lengthsBeforeTruncation());
        assertArrayEquals(new boolean[] {false, true, true}, batch.truncated());
        assertEquals(2, batch.truncatedCount());
    }

    @Test
    void truncationUsesModelMaxLength() {
        Encoding encoding = miniLm.encode(LONG_TEXT, EncodeOptions.builder().truncation(true).build());
        assertEquals(512, encoding.length());
        assertEquals(602, encoding.lengthBeforeTruncation());
        assertEquals("[SEP]", encoding.tokens()[511]);
    }

    @Test
    void maxLengthAloneTruncates() {
        // transformers turns on LONGEST_FIRST when max_length is given without padding or truncation.
        Encoding encoding = miniLm.encode(COUNTING, EncodeOptions.builder().maxLength(8).build());
        assertEquals(8, encoding.length());
        assertTrue(encoding.truncated());
    }

    @Test
    void longestPaddingIgnoresMaxLengthWithoutTruncation() {
        BatchEncoding batch = miniLm.batchEncode(List.of(HELLO, COUNTING),
                pad(PaddingStrategy.LONGEST).maxLength(8).build());
        assertEquals(12, batch.sequenceLength());
        assertFalse(batch.encoding(1).truncated());
    }

    @Test
    void explicitNoTruncationWins() {
        Encoding encoding = miniLm.encode(LONG_TEXT, EncodeOptions.builder().truncation(false).maxLength(8).build());
        assertEquals(602, encoding.length());
    }

    @Test
    void unboundedModelMaxLengthDisablesFallbacks() throws IOException {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("model_max_length", null);
        overrides.put("pad_token", "<|endoftext|>");
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(TokenizerFixtures.gpt2(), overrides)) {
            assertFalse(tokenizer.hasModelMaxLength());
            Encoding truncated = tokenizer.encode(LONG_TEXT, EncodeOptions.builder().truncation(true).build());
            assertEquals(600, truncated.length(), "no limit to truncate to, so nothing is truncated");
            Encoding padded = tokenizer.encode("Hello", pad(PaddingStrategy.MAX_LENGTH).build());
            assertEquals(1, padded.length(), "no limit to pad to, so nothing is padded");
        }
    }

    @Test
    void maxLengthBelowSpecialTokensFails() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> miniLm.encode(COUNTING, EncodeOptions.builder().truncation(true).maxLength(1).build()));
        assertTrue(error.getMessage().contains("smaller than the 2 special tokens"), error.getMessage());

        Encoding onlySpecial = miniLm.encode(COUNTING, EncodeOptions.builder().truncation(true).maxLength(2).build());
        assertArrayEquals(new String[] {"[CLS]", "[SEP]"}, onlySpecial.tokens());
    }

    @Test
    void withoutSpecialTokens() {
        Encoding encoding = miniLm.encode(HELLO, EncodeOptions.builder().addSpecialTokens(false).build());
        assertArrayEquals(new long[] {7592, 2088, 999}, encoding.inputIds());
        assertEquals(List.of("hello", "world", "!"), miniLm.tokenize(HELLO));

        Encoding truncated = miniLm.encode(COUNTING,
                EncodeOptions.builder().addSpecialTokens(false).truncation(true).maxLength(3).build());
        assertArrayEquals(new String[] {"one", "two", "three"}, truncated.tokens());
        assertEquals(10, truncated.lengthBeforeTruncation());
    }

    @Test
    void emptyString() {
        assertArrayEquals(new long[] {101, 102}, miniLm.encode("").inputIds());
        assertArrayEquals(new long[0], gpt2.encode("").inputIds());

        BatchEncoding batch = gpt2WithPad.batchEncode(List.of("", "Hello world"), pad(PaddingStrategy.LONGEST).build());
        assertArrayEquals(new long[] {50256, 50256}, batch.inputIds()[0]);
        assertArrayEquals(new long[] {0, 0}, batch.attentionMask()[0]);
        assertEquals(0, batch.encoding(0).numTokens());
    }

    @Test
    void specialTokenInsideText() {
        Encoding encoding = miniLm.encode("Paris is the [MASK] of France.");
        assertArrayEquals(new String[] {"[CLS]", "paris", "is", "the", "[MASK]", "of", "france", ".", "[SEP]"},
                encoding.tokens());
        assertEquals(103, encoding.inputIds()[4]);
        assertEquals(0, encoding.specialTokensMask()[4], "only tokens added by the post-processor are marked");
    }

    @Test
    void textPairGetsSegmentIds() {
        Encoding encoding = miniLm.encode("Who are you?", "I am a test.", EncodeOptions.defaults());
        assertArrayEquals(new String[] {"[CLS]", "who", "are", "you", "?", "[SEP]", "i", "am", "a", "test", ".",
            "[SEP]"}, encoding.tokens());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, encoding.tokenTypeIds());
    }

    @Test
    void textPairLongestFirstTruncation() {
        Encoding encoding = miniLm.encode(COUNTING, "alpha beta gamma delta",
                EncodeOptions.builder().truncation(true).maxLength(8).build());
        assertArrayEquals(new String[] {"[CLS]", "one", "two", "three", "[SEP]", "alpha", "beta", "[SEP]"},
                encoding.tokens());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1, 1, 1}, encoding.tokenTypeIds());
        assertEquals(17, encoding.lengthBeforeTruncation());
    }

    @Test
    void textPairBatch() {
        BatchEncoding batch = miniLm.batchEncodePairs(List.of("a", "b c d"), List.of("x y", "z"),
                pad(PaddingStrategy.LONGEST).build());
        assertEquals(7, batch.sequenceLength());
        assertArrayEquals(new long[] {0, 0, 0, 1, 1, 1, 0}, batch.tokenTypeIds()[0]);
        assertThrows(IllegalArgumentException.class,
                () -> miniLm.batchEncodePairs(List.of("a"), List.of("x", "y"), EncodeOptions.defaults()));
    }

    @Test
    void onlySecondOnSingleTextFails() {
        EncodeOptions options = EncodeOptions.builder().truncation(TruncationStrategy.ONLY_SECOND).maxLength(4)
                .build();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> miniLm.encode(COUNTING, options));
        assertTrue(error.getMessage().contains("native tokenizer failed"), error.getMessage());
    }

    @Test
    void onlyFirstTruncatesFirstText() {
        Encoding encoding = miniLm.encode(COUNTING, "alpha beta gamma delta",
                EncodeOptions.builder().truncation(TruncationStrategy.ONLY_FIRST).maxLength(10).build());
        assertArrayEquals(new String[] {"[CLS]", "one", "two", "three", "[SEP]", "alpha", "beta", "gamma",
            "delta", "[SEP]"}, encoding.tokens());
    }

    @Test
    void unpairedSurrogateIsRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> miniLm.encode("abc\uD800def"));
        assertTrue(error.getMessage().contains("unpaired UTF-16 surrogate U+D800 at index 3"), error.getMessage());
        assertArrayEquals(new long[] {87, 47249, 222, 88}, gpt2.encode("x\uD83D\uDE00y").inputIds(),
                "a surrogate pair is a valid emoji");
    }

    @Test
    void batchErrorNamesRow() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> miniLm.batchEncode(List.of("fine", "bad \uDC00"), EncodeOptions.defaults()));
        assertTrue(error.getMessage().startsWith("row 1: "), error.getMessage());
    }

    private static EncodeOptions.Builder pad(PaddingStrategy padding) {
        return EncodeOptions.builder().padding(padding);
    }
}
