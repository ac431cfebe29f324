package dev.sparkformers.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.TorchDtype;
import dev.sparkformers.runtime.DjlRuntime;
import dev.sparkformers.testing.MiniLm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 in float16 on a CUDA device against the same model in float32. Skipped, with
 * the reason in the test report, where DJL's PyTorch engine finds no CUDA device: the default
 * build bundles the CPU native library, so running it needs a GPU and a CUDA libtorch
 * (docs/deployment.md).
 */
class Float16GpuTest {

    /** Smallest cosine similarity accepted between a float16 and a float32 embedding. */
    private static final double MIN_COSINE = 1 - 1e-2;

    private static final List<String> TEXTS = List.of(
            "A man is eating food.",
            "The new movie is awesome, and the cinema was full on its first night.",
            "Spark schedules one task per partition.",
            "x");

    private static void requireCuda() {
        int gpus = DjlRuntime.engine().getGpuCount();
        assumeTrue(gpus > 0, "Skipped: DJL's PyTorch engine finds no CUDA device (getGpuCount() = 0); this test"
                + " runs only on a GPU machine with a CUDA build of libtorch");
    }

    @Test
    void float16EmbeddingsMatchFloat32() throws IOException {
        requireCuda();

        LoadOptions single = LoadOptions.builder().device(Device.gpu(0)).build();
        LoadOptions half = single.toBuilder().dtype(TorchDtype.FLOAT16).build();
        try (SentenceEmbeddingPipeline reference = SentenceEmbeddingPipeline.fromPretrained(MiniLm.checkpoint(),
                single);
                SentenceEmbeddingPipeline fast = SentenceEmbeddingPipeline.fromPretrained(MiniLm.checkpoint(), half)) {
            assertEquals(DataType.FLOAT16, fast.model().dtype());

            List<float[]> expected = reference.call(TEXTS, Map.of());
            List<float[]> actual = fast.call(TEXTS, Map.of());
            for (int row = 0; row < TEXTS.size(); row++) {
                double cosine = cosine(expected.get(row), actual.get(row));
                assertTrue(cosine >= MIN_COSINE, "row " + row + " (" + TEXTS.get(row) + "): cosine " + cosine);
            }
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            normA += (double) a[i] * a[i];
            normB += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(normA * normB);
    }
}
