package dev.sparkformers.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.testing.MiniLm;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Nearest-centroid classification with all-MiniLM-L6-v2 and labels defined by texts. */
class EmbeddingClassificationPipelineTest {

    private static final String LABELS = """
            threshold: 0.2
            unknown_label: none
            labels:
              animal: [a dog barking in the yard, a cat chasing a mouse, horses grazing in a field]
              weather: [heavy rain and thunder tonight, a sunny and warm afternoon, snow storms in the mountains]
              finance: [the stock market fell sharply, interest rates rise again, the bank approved the loan]
            """;

    private static EmbeddingClassificationPipeline pipeline;

    @BeforeAll
    static void load() throws Exception {
        PipelineOptions options = PipelineOptions.defaults()
                .withSetting(EmbeddingClassificationPipeline.LABELS_SETTING, LABELS);
        pipeline = (EmbeddingClassificationPipeline) Pipelines.create(EmbeddingClassificationPipeline.TASK,
                MiniLm.checkpoint(), options);
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    @Test
    void nearestCentroidPicksTheLabel() {
        List<Classification> results = pipeline.call(List.of("The puppy wagged its tail.",
                "Forecast: showers and strong wind.", "Shares of the company dropped ten percent."), Map.of());
        assertEquals(List.of("animal", "weather", "finance"), results.stream().map(Classification::label).toList());
        for (Classification result : results) {
            assertEquals(3, result.scores().size());
            assertEquals(result.scores().get(result.label()), result.score());
            assertTrue(result.score() <= 1.0001f, "cosine " + result.score());
            assertTrue(result.score() > 0.2f, "cosine " + result.score());
        }
    }

    @Test
    void scoresAreCosinesToCentroids() {
        String text = "A bird sings in the tree.";
        float[] embedding = pipeline.embedder().call(List.of(text), Map.of()).get(0);
        Classification result = pipeline.call(List.of(text), Map.of()).get(0);
        float[][] centroids = new float[3][];
        int index = 0;
        for (String label : pipeline.labels()) {
            List<float[]> examples = pipeline.embedder().call(pipeline.labelSet().labels().get(label), Map.of());
            float[] centroid = new float[embedding.length];
            for (float[] example : examples) {
                for (int d = 0; d < centroid.length; d++) {
                    centroid[d] += example[d] / examples.size();
                }
            }
            centroids[index++] = centroid;
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(cosine(embedding, centroids[i]), result.scores().get(pipeline.labels().get(i)), 1e-5);
        }
    }

    @Test
    void belowThresholdIsUnknown() {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("threshold", 0.99);
        parameters.put("top_k", null);
        Classification result = pipeline.call(List.of("The puppy wagged its tail."), parameters).get(0);
        assertEquals("none", result.label());
        assertEquals("animal", result.predictions().get(0).label());
        assertEquals(3, result.predictions().size());
    }

    @Test
    void missingLabelsFailTheFactory() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Pipelines.create(EmbeddingClassificationPipeline.TASK, MiniLm.checkpoint()));
        assertTrue(error.getMessage().contains("needs labels"), error.getMessage());
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
