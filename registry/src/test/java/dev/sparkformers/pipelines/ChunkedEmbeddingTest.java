package dev.sparkformers.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.testing.MiniLm;
import dev.sparkformers.tokenization.Encoding;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Embedding texts longer than the model's maximum in windows, on all-MiniLM-L6-v2 (max_seq_length 256). */
class ChunkedEmbeddingTest {

    private static SentenceEmbeddingPipeline pipeline;

    @BeforeAll
    static void load() throws Exception {
        pipeline = SentenceEmbeddingPipeline.fromPretrained(MiniLm.checkpoint(), LoadOptions.defaults());
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    /** About 600 tokens of varied English: three windows of MiniLM. */
    private static String longText() {
        StringBuilder text = new StringBuilder();
        String[] sentences = {
            "The river rose through the night and flooded the lower fields.",
            "Farmers moved their cattle to the hills before the water reached the barns.",
            "In the morning the town council met to plan the repairs of the old stone bridge.",
            "Engineers argued about whether steel or timber would last longer in the current.",
            "Children watched the boats carry sandbags along the swollen banks."};
        for (int i = 0; i < 40; i++) {
            text.append(sentences[i % sentences.length]).append(' ');
        }
        return text.toString().trim();
    }

    @Test
    void chunkedEqualsMeanOfChunkEmbeddings() {
        String text = longText();
        Map<String, Object> chunked = Map.of(TokenWindows.CHUNK_LONG_TEXTS, true);
        float[] embedding = pipeline.call(List.of(text), chunked).get(0);

        // The chunks of the whole encoding, each embedded alone as a row of its own.
        Encoding whole = pipeline.preprocess(text, pipeline.sanitizeParameters(chunked).preprocess());
        assertTrue(whole.length() > 2 * pipeline.maxLength(), "the text spans at least three windows");
        List<Encoding> chunks = new TokenWindows(pipeline.maxLength(), 0).split(whole);
        assertEquals((whole.length() - 2 + pipeline.maxLength() - 3) / (pipeline.maxLength() - 2), chunks.size());
        assertEqualsMeanOfWindows(chunks, embedding);
    }

    @Test
    void stridedEqualsMeanOfOverlappingWindows() {
        String text = longText();
        Map<String, Object> strided = Map.of(TokenWindows.CHUNK_LONG_TEXTS, true, TokenWindows.CHUNK_WINDOW, 128,
                TokenWindows.CHUNK_STRIDE, 32);
        float[] embedding = pipeline.call(List.of(text), strided).get(0);

        Encoding whole = pipeline.preprocess(text, pipeline.sanitizeParameters(strided).preprocess());
        List<Encoding> windows = new TokenWindows(128, 32).split(whole);
        assertTrue(windows.size() > 5, "the text spans " + windows.size() + " windows");
        assertEqualsMeanOfWindows(windows, embedding);

        float[] unstrided = pipeline.call(List.of(text), Map.of(TokenWindows.CHUNK_LONG_TEXTS, true,
                TokenWindows.CHUNK_WINDOW, 128)).get(0);
        assertTrue(cosine(embedding, unstrided) < 0.99999, "strided and unstrided embeddings are the same");
        float[] truncated = pipeline.call(List.of(text), Map.of()).get(0);
        assertTrue(cosine(embedding, truncated) < 0.9999, "strided and truncated embeddings are the same");
    }

    /** Checks {@code embedding} against the renormalised mean of the windows embedded one at a time. */
    private static void assertEqualsMeanOfWindows(List<Encoding> windows, float[] embedding) {
        List<float[]> chunkEmbeddings = new ArrayList<>();
        for (Encoding chunk : windows) {
            assertTrue(chunk.length() <= pipeline.maxLength());
            assertEquals(pipeline.tokenizer().clsTokenId().getAsLong(), chunk.inputIds()[0]);
            assertEquals(pipeline.tokenizer().sepTokenId().getAsLong(), chunk.inputIds()[chunk.length() - 1]);
            chunkEmbeddings.add(pipeline.forward(List.of(chunk), Map.of()).get(0));
        }

        // MiniLM normalises, so the mean of the unit chunk embeddings is normalised again.
        float[] expected = new float[embedding.length];
        double norm = 0;
        for (int d = 0; d < expected.length; d++) {
            double sum = 0;
            for (float[] chunk : chunkEmbeddings) {
                sum += chunk[d];
            }
            expected[d] = (float) (sum / chunkEmbeddings.size());
            norm += (double) expected[d] * expected[d];
        }
        for (int d = 0; d < expected.length; d++) {
            expected[d] /= (float) Math.sqrt(norm);
        }
        for (int d = 0; d < expected.length; d++) {
            assertEquals(expected[d], embedding[d], 1e-5, "dimension " + d);
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int d = 0; d < a.length; d++) {
            dot += (double) a[d] * b[d];
        }
        return dot;
    }

    @Test
    void chunkedDiffersFromTruncated() {
        String text = longText();
        float[] chunked = pipeline.call(List.of(text), Map.of(TokenWindows.CHUNK_LONG_TEXTS, true)).get(0);
        float[] truncated = pipeline.call(List.of(text), Map.of()).get(0);
        double dot = cosine(chunked, truncated);
        assertTrue(dot < 0.9999, "chunked and truncated embeddings have cosine " + dot);
    }

    @Test
    void shortTextsAreUnchangedByChunking() {
        List<String> texts = List.of("A short sentence.", "Another one, a little longer than the first.");
        List<float[]> plain = pipeline.call(texts, Map.of());
        List<float[]> chunked = pipeline.call(texts, Map.of(TokenWindows.CHUNK_LONG_TEXTS, true));
        for (int i = 0; i < texts.size(); i++) {
            for (int d = 0; d < plain.get(i).length; d++) {
                assertEquals(plain.get(i)[d], chunked.get(i)[d], 1e-6);
            }
        }
    }

    @Test
    void windowTooLargeForMaxLengthFails() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> pipeline.sanitizeParameters(
                Map.of(TokenWindows.CHUNK_LONG_TEXTS, true, TokenWindows.CHUNK_WINDOW, pipeline.maxLength() + 1)));
        assertEquals("chunk_window 257 exceeds max_length 256, the longest input the model is given; use a window "
                + "of at most 256 tokens", error.getMessage());
        IllegalArgumentException withoutChunking = assertThrows(IllegalArgumentException.class,
                () -> pipeline.sanitizeParameters(Map.of(TokenWindows.CHUNK_STRIDE, 16)));
        assertTrue(withoutChunking.getMessage().contains("apply only with chunk_long_texts=true"),
                withoutChunking.getMessage());
    }

    @Test
    void chunksRepeatSpecialTokensAndCoverTheText() {
        Encoding whole = pipeline.tokenizer().encode(longText());
        List<Encoding> chunks = new TokenWindows(64, 0).split(whole);
        int textTokens = 0;
        for (Encoding chunk : chunks) {
            textTokens += chunk.length() - 2;
            assertFalse(chunk.truncated());
        }
        assertEquals(whole.length() - 2, textTokens);
        assertEquals(List.of(whole), new TokenWindows(whole.length(), 0).split(whole));
    }
}
