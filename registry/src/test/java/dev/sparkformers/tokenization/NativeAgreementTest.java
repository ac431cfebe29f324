package dev.sparkformers.tokenization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Java padding on top of native truncation gives what the native library gives when it pads and
 * truncates a batch itself, configured through the tokenizer.json blocks that DJL keeps.
 */
class NativeAgreementTest {

    private static final List<String> TEXTS = List.of(
            "Hello world!",
            "",
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen",
            "Naïve café owners in Zürich charge 4.50 CHF for an espresso ☕ — 東京 is pricier.",
            "Paris is the [MASK] of France.",
            "word ".repeat(40));

    private static PreTrainedTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = AutoTokenizer.fromPretrained(TokenizerFixtures.miniLm());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void longestRightMatchesNative() throws IOException {
        assertAgreement(PaddingStrategy.LONGEST, 16, null, Side.RIGHT, Side.RIGHT);
    }

    @Test
    void longestLeftMatchesNative() throws IOException {
        assertAgreement(PaddingStrategy.LONGEST, 16, null, Side.LEFT, Side.LEFT);
    }

    @Test
    void maxLengthWithMultipleMatchesNative() throws IOException {
        assertAgreement(PaddingStrategy.MAX_LENGTH, 24, 8, Side.RIGHT, Side.LEFT);
    }

    @Test
    void longestWithMultipleMatchesNative() throws IOException {
        // The longest row has 42 tokens, so padding rounds it up to 48.
        assertAgreement(PaddingStrategy.LONGEST, 48, 16, Side.LEFT, Side.RIGHT);
    }

    private static void assertAgreement(PaddingStrategy padding, int maxLength, Integer multiple, Side paddingSide,
            Side truncationSide) throws IOException {
        EncodeOptions.Builder options = EncodeOptions.builder().padding(padding).truncation(true).maxLength(maxLength)
                .paddingSide(paddingSide).truncationSide(truncationSide);
        if (multiple != null) {
            options.padToMultipleOf(multiple);
        }
        BatchEncoding ours = tokenizer.batchEncode(TEXTS, options.build());

        ai.djl.huggingface.tokenizers.Encoding[] expected;
        try (HuggingFaceTokenizer reference = nativeReference(padding, maxLength, multiple, paddingSide,
                truncationSide)) {
            expected = reference.batchEncode(TEXTS);
        }

        assertEquals(expected.length, ours.size());
        for (int row = 0; row < expected.length; row++) {
            Encoding actual = ours.encoding(row);
            String label = "row " + row + " with " + padding + " padding";
            assertArrayEquals(expected[row].getIds(), actual.inputIds(), label);
            assertArrayEquals(expected[row].getAttentionMask(), actual.attentionMask(), label);
            assertArrayEquals(expected[row].getTypeIds(), actual.tokenTypeIds(), label);
            assertArrayEquals(expected[row].getSpecialTokenMask(), actual.specialTokensMask(), label);
            assertArrayEquals(expected[row].getTokens(), actual.tokens(), label);
            assertEquals(expected[row].exceedMaxLength(), actual.truncated(), label);
        }
    }

    /**
     * Builds a DJL tokenizer that truncates and pads natively. DJL keeps the direction, pad id and
     * pad token of blocks in the JSON and sets the strategy and lengths from its options.
     */
    private static HuggingFaceTokenizer nativeReference(PaddingStrategy padding, int maxLength, Integer multiple,
            Side paddingSide, Side truncationSide) throws IOException {
        ObjectNode root = (ObjectNode) TokenizerFiles.JSON.readTree(
                TokenizerFixtures.miniLm().resolve(TokenizerFiles.TOKENIZER_FILE).toFile());
        ObjectNode truncation = root.putObject("truncation");
        truncation.put("direction", truncationSide == Side.LEFT ? "Left" : "Right");
        truncation.put("max_length", maxLength);
        truncation.put("strategy", "LongestFirst");
        truncation.put("stride", 0);
        ObjectNode paddingBlock = root.putObject("padding");
        paddingBlock.put("strategy", "BatchLongest");
        paddingBlock.put("direction", paddingSide == Side.LEFT ? "Left" : "Right");
        paddingBlock.putNull("pad_to_multiple_of");
        paddingBlock.put("pad_id", 0);
        paddingBlock.put("pad_type_id", 0);
        paddingBlock.put("pad_token", "[PAD]");

        Map<String, String> options = Map.of(
                "truncation", "true",
                "maxLength", Integer.toString(maxLength),
                "modelMaxLength", "512",
                "padding", padding == PaddingStrategy.MAX_LENGTH ? "max_length" : "longest",
                "padToMultipleOf", multiple == null ? "0" : Integer.toString(multiple));
        return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(TokenizerFiles.JSON.writeValueAsBytes(root)),
                options);
    }
}
