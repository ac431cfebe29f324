package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.StandardCapabilities;

import dev.sparkformers.hub.BuiltinModels;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.pipelines.SentenceEmbeddingPipeline;
import dev.sparkformers.runtime.DjlRuntime;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The default model on the first GPU, against the CPU. Skipped where DJL's PyTorch engine has no
 * CUDA: on machines without a GPU, and with the CPU native library this build ships.
 */
class GpuEmbeddingTest {

    @Test
    void gpuEmbeddingsMatchTheCpu() throws Exception {
        assumeTrue(DjlRuntime.engine().hasCapability(StandardCapabilities.CUDA),
                "DJL's PyTorch engine has no CUDA here (no GPU, or the CPU native library); the GPU path is"
                        + " not run");

        Path model = BuiltinModels.defaultEmbeddingModel();
        List<String> texts = List.of("A sentence to embed.", "Another, slightly longer sentence to embed on a GPU.");
        List<float[]> cpu;
        List<float[]> gpu;
        try (SentenceEmbeddingPipeline onCpu = SentenceEmbeddingPipeline.fromPretrained(model,
                LoadOptions.builder().device(Device.cpu()).build());
                SentenceEmbeddingPipeline onGpu = SentenceEmbeddingPipeline.fromPretrained(model,
                        LoadOptions.builder().device(Device.gpu(0)).build())) {
            cpu = onCpu.call(texts, Map.of());
            gpu = onGpu.call(texts, Map.of());
        }

        assertEquals(cpu.size(), gpu.size());
        double max = 0;
        for (int i = 0; i < cpu.size(); i++) {
            for (int h = 0; h < cpu.get(i).length; h++) {
                max = Math.max(max, Math.abs(cpu.get(i)[h] - gpu.get(i)[h]));
            }
        }
        assertTrue(max <= 1e-4, "GPU and CPU embeddings differ by " + max);
    }
}
