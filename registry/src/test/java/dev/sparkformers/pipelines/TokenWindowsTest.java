package dev.sparkformers.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparkformers.tokenization.Encoding;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Sliding windows over hand-built encodings: [CLS] = 101, [SEP] = 102 and content ids 1 to n. */
class TokenWindowsTest {

    private static final long CLS = 101;
    private static final long SEP = 102;

    /** Builds a BERT-style encoding of {@code contentTokens} content tokens. */
    private static Encoding bertEncoding(int contentTokens) {
        long[] ids = new long[contentTokens + 2];
        long[] special = new long[contentTokens + 2];
        ids[0] = CLS;
        special[0] = 1;
        for (int i = 1; i <= contentTokens; i++) {
            ids[i] = i;
        }
        ids[contentTokens + 1] = SEP;
        special[contentTokens + 1] = 1;
        return encoding(ids, special);
    }

    private static Encoding encoding(long[] ids, long[] special) {
        long[] types = new long[ids.length];
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1);
        String[] tokens = Arrays.stream(ids).mapToObj(Long::toString).toArray(String[]::new);
        return new Encoding(ids, types, mask, special, tokens, ids.length, false);
    }

    private static long[] content(Encoding window) {
        return Arrays.copyOfRange(window.inputIds(), 1, window.length() - 1);
    }

    @Test
    void windowsOverlapByStride() {
        Encoding whole = bertEncoding(100);
        List<Encoding> windows = new TokenWindows(20, 6).split(whole);

        // 18 content tokens per window, advancing by 12: starts 1, 13, ..., 85; the window at 85 reaches 100.
        assertEquals(8, windows.size());
        for (int w = 0; w < windows.size(); w++) {
            Encoding window = windows.get(w);
            assertEquals(CLS, window.inputIds()[0], "window " + w + " starts with [CLS]");
            assertEquals(SEP, window.inputIds()[window.length() - 1], "window " + w + " ends with [SEP]");
            assertEquals(1, window.specialTokensMask()[0]);
            assertEquals(1, window.specialTokensMask()[window.length() - 1]);
            assertFalse(window.truncated());
            assertEquals(window.length(), window.lengthBeforeTruncation());
            assertEquals(1 + 12 * w, content(window)[0], "window " + w + " start");
            if (w > 0) {
                long[] previous = content(windows.get(w - 1));
                long[] shared = Arrays.copyOfRange(previous, previous.length - 6, previous.length);
                assertArrayEquals(shared, Arrays.copyOfRange(content(window), 0, 6),
                        "windows " + (w - 1) + " and " + w + " share 6 tokens");
            }
        }
        for (int w = 0; w < windows.size() - 1; w++) {
            assertEquals(20, windows.get(w).length());
        }
        long[] last = content(windows.get(windows.size() - 1));
        assertEquals(100, last[last.length - 1]);
        assertEquals(16, last.length);
    }

    @Test
    void zeroStrideCoversTextOnce() {
        List<Encoding> windows = new TokenWindows(12, 0).split(bertEncoding(25));
        assertEquals(3, windows.size());
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, content(windows.get(0)));
        assertArrayEquals(new long[] {21, 22, 23, 24, 25}, content(windows.get(2)));
    }

    /** HuggingFace tokenizers' own case: five tokens, max_len 4 and stride 2 give [1 2 3 4] and [3 4 5]. */
    @Test
    void withoutSpecialTokensFollowsHuggingFace() {
        Encoding whole = encoding(new long[] {1, 2, 3, 4, 5}, new long[5]);
        List<Encoding> windows = new TokenWindows(4, 2).split(whole);
        assertEquals(2, windows.size());
        assertArrayEquals(new long[] {1, 2, 3, 4}, windows.get(0).inputIds());
        assertArrayEquals(new long[] {3, 4, 5}, windows.get(1).inputIds());
    }

    @Test
    void encodingThatFitsIsReturnedUnchanged() {
        Encoding whole = bertEncoding(10);
        List<Encoding> windows = new TokenWindows(12, 4).split(whole);
        assertEquals(1, windows.size());
        assertSame(whole, windows.get(0));
    }

    @Test
    void forwardAggregatesEachRowsWindows() {
        List<Encoding> batch = List.of(bertEncoding(25), bertEncoding(5));
        List<Integer> calls = new java.util.ArrayList<>();
        List<Long> results = new TokenWindows(12, 0).forward(batch, windows -> {
            calls.add(windows.size());
            return windows.stream().map(window -> content(window)[0]).toList();
        }, starts -> starts.stream().mapToLong(Long::longValue).sum());
        assertEquals(List.of(4), calls, "one model call for the three windows and the short row");
        assertEquals(List.of(1L + 11 + 21, 1L), results);
    }

    @Test
    void invalidSizesFail() {
        assertEquals("chunk_window must be positive, but is 0",
                assertThrows(IllegalArgumentException.class, () -> new TokenWindows(0, 0)).getMessage());
        assertEquals("chunk_stride must not be negative, but is -1",
                assertThrows(IllegalArgumentException.class, () -> new TokenWindows(16, -1)).getMessage());
        assertEquals("chunk_stride 16 must be smaller than chunk_window 16; use a smaller stride or a larger window",
                assertThrows(IllegalArgumentException.class, () -> new TokenWindows(16, 16)).getMessage());

        // Room left beside [CLS] and [SEP]: 14 content tokens, so a stride of 14 has no step.
        IllegalArgumentException noStep = assertThrows(IllegalArgumentException.class,
                () -> new TokenWindows(16, 14).split(bertEncoding(40)));
        assertEquals("chunk_stride 14 must be smaller than the 14 content tokens of a window (chunk_window 16 minus 2 "
                + "special tokens); use a smaller stride or a larger window", noStep.getMessage());
        IllegalArgumentException noRoom = assertThrows(IllegalArgumentException.class,
                () -> new TokenWindows(2, 0).split(bertEncoding(40)));
        assertEquals("chunk_window 2 leaves no room for content tokens beside the 2 special tokens; use a larger "
                + "window", noRoom.getMessage());
    }

    @Test
    void parametersDefaultToMaxLength() {
        assertNull(TokenWindows.fromParameters(Map.of(), 128));
        assertNull(TokenWindows.fromParameters(Map.of(TokenWindows.CHUNK_LONG_TEXTS, "false"), 128));
        assertEquals(new TokenWindows(128, 0),
                TokenWindows.fromParameters(Map.of(TokenWindows.CHUNK_LONG_TEXTS, "true"), 128));
        assertEquals(new TokenWindows(64, 8), TokenWindows.fromParameters(Map.of(TokenWindows.CHUNK_LONG_TEXTS, true,
                TokenWindows.CHUNK_WINDOW, "64", TokenWindows.CHUNK_STRIDE, 8), 128));

        IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
                () -> TokenWindows.fromParameters(Map.of(TokenWindows.CHUNK_LONG_TEXTS, true,
                        TokenWindows.CHUNK_WINDOW, 129), 128));
        assertEquals("chunk_window 129 exceeds max_length 128, the longest input the model is given; use a window of "
                + "at most 128 tokens", tooLarge.getMessage());
        IllegalArgumentException withoutChunking = assertThrows(IllegalArgumentException.class,
                () -> TokenWindows.fromParameters(Map.of(TokenWindows.CHUNK_WINDOW, 64), 128));
        assertEquals("chunk_window and chunk_stride apply only with chunk_long_texts=true, but chunk_long_texts is "
                + "not set; set it to true or remove them", withoutChunking.getMessage());
    }

    @Test
    void aggregationParsesMeanAndMax() {
        assertEquals(ChunkAggregation.MAX, ChunkAggregation.fromName(" Max "));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ChunkAggregation.fromName("median"));
        assertEquals("chunk_aggregation must be mean or max, but is 'median'", unknown.getMessage());
        List<float[]> scores = List.of(new float[] {0.2f, 0.8f}, new float[] {0.6f, 0.4f});
        assertArrayEquals(new float[] {0.4f, 0.6f}, ChunkAggregation.MEAN.apply(scores), 1e-7f);
        assertArrayEquals(new float[] {0.6f, 0.8f}, ChunkAggregation.MAX.apply(scores));
    }
}
