package dev.sparkformers.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.testing.MiniLm;
import dev.sparkformers.testing.TestCheckpoints;
import dev.sparkformers.tokenization.Encoding;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Classification of texts longer than the model's maximum in windows: the tiny BERT head (64
 * positions, word-level tokenizer) and nearest centroid with all-MiniLM-L6-v2. Each aggregated
 * result is checked against the windows classified one at a time.
 */
class ChunkedClassificationTest {

    private static final String LABELS = """
            labels:
              water: [the river flooded the fields, boats carried sandbags along the banks]
              building: [engineers repaired the stone bridge, the council planned new timber beams]
            """;

    @TempDir
    static Path dir;

    private static TextClassificationPipeline head;
    private static EmbeddingClassificationPipeline centroids;

    @BeforeAll
    static void load() throws Exception {
        Path checkpoint = TestCheckpoints.copyGolden("tiny-bert-cls", dir.resolve("bert-cls"));
        TestCheckpoints.writeWordLevelTokenizer(checkpoint, 1000, 4);
        head = (TextClassificationPipeline) Pipelines.create(TextClassificationPipeline.TASK, checkpoint);
        centroids = (EmbeddingClassificationPipeline) Pipelines.create(EmbeddingClassificationPipeline.TASK,
                MiniLm.checkpoint(), PipelineOptions.defaults()
                        .withSetting(EmbeddingClassificationPipeline.LABELS_SETTING, LABELS));
    }

    @AfterAll
    static void close() {
        head.close();
        centroids.close();
    }

    /** 150 word-level tokens ({@code w5} to {@code w154}): three windows of 64 or more of 32. */
    private static String wordLevelText() {
        StringBuilder text = new StringBuilder();
        for (int i = 5; i < 155; i++) {
            text.append('w').append((i * 37) % 900 + 5).append(' ');
        }
        return text.toString().trim();
    }

    /** About 600 MiniLM tokens of varied English. */
    private static String englishText() {
        String[] sentences = {
            "The river rose through the night and flooded the lower fields.",
            "Farmers moved their cattle to the hills before the water reached the barns.",
            "In the morning the town council met to plan the repairs of the old stone bridge.",
            "Engineers argued about whether steel or timber would last longer in the current."};
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            text.append(sentences[i % sentences.length]).append(' ');
        }
        return text.toString().trim();
    }

    private static Map<String, Object> chunked(int window, int stride, String aggregation) {
        return Map.of(TokenWindows.CHUNK_LONG_TEXTS, true, TokenWindows.CHUNK_WINDOW, window,
                TokenWindows.CHUNK_STRIDE, stride, ChunkAggregation.PARAMETER, aggregation, "top_k", "all");
    }

    @Test
    void headMeanAndMaxEqualWindowScores() {
        String text = wordLevelText();
        Encoding whole = head.tokenizer().encode(text);
        List<Encoding> windows = new TokenWindows(32, 8).split(whole);
        assertEquals(7, windows.size(), "150 tokens in windows of 30 advancing by 22");

        // Each window classified alone, through softmax, as the tiny head has two labels.
        List<float[]> windowScores = new ArrayList<>();
        for (Encoding window : windows) {
            windowScores.add(ClassificationFunction.SOFTMAX.apply(head.forward(List.of(window), Map.of()).get(0)));
        }
        checkAggregate(head.call(List.of(text), chunked(32, 8, "mean")).get(0), head.labels(), windowScores, false);
        checkAggregate(head.call(List.of(text), chunked(32, 8, "max")).get(0), head.labels(), windowScores, true);
    }

    @Test
    void headChunkedDiffersFromTruncated() {
        String text = wordLevelText();
        Classification chunked = head.call(List.of(text), chunked(64, 16, "mean")).get(0);
        Classification truncated = head.call(List.of(text), Map.of("top_k", "all")).get(0);
        assertNotEquals(truncated.scores(), chunked.scores());
    }

    @Test
    void headShortTextIsUnchangedByChunking() {
        String text = "w5 w6 w7";
        Classification plain = head.call(List.of(text), Map.of("top_k", "all")).get(0);
        Classification chunked = head.call(List.of(text), chunked(32, 8, "max")).get(0);
        assertEquals(plain.scores(), chunked.scores());
    }

    @Test
    void centroidMeanAndMaxEqualWindowScores() {
        String text = englishText();
        Map<String, Object> parameters = chunked(128, 32, "mean");
        Encoding whole = centroids.preprocess(text, centroids.sanitizeParameters(parameters).preprocess());
        List<Encoding> windows = new TokenWindows(128, 32).split(whole);
        assertTrue(windows.size() > 5, "the text spans " + windows.size() + " windows");

        // Without windows, forward returns the cosine similarities to the centroids.
        List<float[]> windowScores = new ArrayList<>();
        for (Encoding window : windows) {
            windowScores.add(centroids.forward(List.of(window), Map.of()).get(0));
        }
        checkAggregate(centroids.call(List.of(text), parameters).get(0), centroids.labels(), windowScores, false);
        checkAggregate(centroids.call(List.of(text), chunked(128, 32, "max")).get(0), centroids.labels(),
                windowScores, true);
    }

    @Test
    void invalidChunkOptionsFail() {
        IllegalArgumentException aggregation = assertThrows(IllegalArgumentException.class,
                () -> head.sanitizeParameters(chunked(32, 8, "median")));
        assertEquals("chunk_aggregation must be mean or max, but is 'median'", aggregation.getMessage());
        IllegalArgumentException withoutChunking = assertThrows(IllegalArgumentException.class,
                () -> centroids.sanitizeParameters(Map.of(ChunkAggregation.PARAMETER, "max")));
        assertEquals("chunk_aggregation applies only with chunk_long_texts=true; set it to true or remove "
                + "chunk_aggregation", withoutChunking.getMessage());
        IllegalArgumentException window = assertThrows(IllegalArgumentException.class,
                () -> head.sanitizeParameters(chunked(65, 8, "mean")));
        assertEquals("chunk_window 65 exceeds max_length 64, the longest input the model is given; use a window of "
                + "at most 64 tokens", window.getMessage());
        IllegalArgumentException stride = assertThrows(IllegalArgumentException.class,
                () -> head.sanitizeParameters(chunked(32, 40, "mean")));
        assertEquals("chunk_stride 40 must be smaller than chunk_window 32; use a smaller stride or a larger window",
                stride.getMessage());
    }

    /** Checks a row's scores and label against the windows' scores combined by mean or max. */
    private static void checkAggregate(Classification result, List<String> labels, List<float[]> windowScores,
            boolean max) {
        int best = 0;
        float[] expected = new float[labels.size()];
        for (int c = 0; c < labels.size(); c++) {
            double combined = max ? Double.NEGATIVE_INFINITY : 0;
            for (float[] scores : windowScores) {
                combined = max ? Math.max(combined, scores[c]) : combined + scores[c] / (double) windowScores.size();
            }
            expected[c] = (float) combined;
            assertEquals(expected[c], result.scores().get(labels.get(c)), 1e-5, (max ? "max" : "mean") + " of "
                    + labels.get(c));
            best = expected[c] > expected[best] ? c : best;
        }
        assertEquals(labels.get(best), result.label());
        assertEquals(expected[best], result.score(), 1e-5);
        assertFalse(windowScores.stream().allMatch(scores -> scores[0] == windowScores.get(0)[0]),
                "the windows have different scores, so mean and max differ");
    }
}
