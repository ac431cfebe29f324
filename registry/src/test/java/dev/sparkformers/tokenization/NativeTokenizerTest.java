package dev.sparkformers.tokenization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

class NativeTokenizerTest {

    private static final String LONG_TEXT = "word ".repeat(40);

    @Test
    void shortTextCreatesNoTruncatingTokenizer() throws IOException {
        try (NativeTokenizer tokenizer = load()) {
            Encoding encoding = tokenizer.encode("Hello world!", null, true,
                    new NativeTokenizer.Truncation(100, TruncationStrategy.LONGEST_FIRST, Side.RIGHT));
            assertEquals(5, encoding.length());
            assertFalse(encoding.truncated());
            assertEquals(List.of(), tokenizer.cachedTruncations());
        }
    }

    @Test
    void truncationSettingsBeyondCacheStillWork() throws IOException {
        int settings = NativeTokenizer.MAX_CACHED_TRUNCATION_SETTINGS + 4;
        try (NativeTokenizer tokenizer = load()) {
            for (int maxLength = 3; maxLength < 3 + settings; maxLength++) {
                Encoding encoding = tokenizer.encode(LONG_TEXT, null, true,
                        new NativeTokenizer.Truncation(maxLength, TruncationStrategy.LONGEST_FIRST, Side.RIGHT));
                assertEquals(maxLength, encoding.length());
                assertEquals("[CLS]", encoding.tokens()[0]);
                assertEquals("[SEP]", encoding.tokens()[maxLength - 1]);
                assertEquals(42, encoding.lengthBeforeTruncation());
                assertTrue(encoding.truncated());
            }
            assertEquals(NativeTokenizer.MAX_CACHED_TRUNCATION_SETTINGS, tokenizer.cachedTruncations().size());
        }
    }

    @Test
    void specialTokenCountsComeFromPostProcessor() throws IOException {
        try (NativeTokenizer tokenizer = load()) {
            assertEquals(2, tokenizer.numSpecialTokensToAdd(false));
            assertEquals(3, tokenizer.numSpecialTokensToAdd(true));
        }
    }

    private static NativeTokenizer load() throws IOException {
        Path file = TokenizerFixtures.miniLm().resolve(TokenizerFiles.TOKENIZER_FILE);
        ObjectNode root = TokenizerFiles.readJsonObject(file, TokenizerFiles.MAX_TOKENIZER_JSON_BYTES);
        TokenizerConfig.Source none = new TokenizerConfig.Source("none", TokenizerFiles.JSON.createObjectNode());
        TokenizerJson.Prepared prepared = TokenizerJson.parse(file.toString(), root)
                .prepare(TokenizerConfig.resolve(none, none, none));
        return NativeTokenizer.create(file.toString(), prepared.json());
    }
}
