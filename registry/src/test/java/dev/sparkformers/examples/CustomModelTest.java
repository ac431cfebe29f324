package dev.sparkformers.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkformers.auto.AutoConfig;
import dev.sparkformers.auto.AutoModel;
import dev.sparkformers.auto.ModelFamily;
import dev.sparkformers.modeling.BaseModelOutput;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.testing.Golden;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

/** A user's own model through the Auto classes: registered by calls, or found by ServiceLoader. */
class CustomModelTest {

    private static final double TOLERANCE = 1e-6;

    @TempDir
    Path dir;

    private static MyGptConfig smallConfig() {
        return new MyGptConfig().setVocabSize(100).setDModel(16).setNHeads(2).setNLayers(2).setMaxLen(32);
    }

    @Test
    void registeredModelSavesAndReloads() throws IOException {
        AutoConfig.register(MyGptConfig.MODEL_TYPE, MyGptConfig.class);
        AutoModel.register(MyGptConfig.class, MyGptModel.class);

        Path saved = dir.resolve("my-gpt");
        try (NDManager manager = NDManager.newBaseManager();
                PreTrainedModel<?> original = AutoModel.fromConfig(smallConfig(), LoadOptions.defaults())) {
            ModelInputs inputs = ModelInputs.builder(manager.create(new long[] {5, 17, 3, 99, 0, 42}, new Shape(2, 3)))
                    .attentionMask(manager.create(new long[] {1, 1, 1, 0, 1, 1}, new Shape(2, 3)))
                    .build();
            float[] before = ((BaseModelOutput) original.forward(inputs)).lastHiddenState().toFloatArray();
            original.savePretrained(saved);

            assertEquals(MyGptConfig.MODEL_TYPE,
                    new ObjectMapper().readTree(saved.resolve("config.json").toFile()).get("model_type").asText());
            try (PreTrainedModel<?> reloaded = AutoModel.fromPretrained(saved)) {
                assertInstanceOf(MyGptModel.class, reloaded);
                assertTrue(reloaded.loadReport().isComplete(), reloaded.loadReport().toString());
                float[] after = ((BaseModelOutput) reloaded.forward(inputs)).lastHiddenState().toFloatArray();
                double diff = Golden.maxAbsDiff(after, before);
                assertTrue(diff < TOLERANCE, "outputs differ by " + diff + " after the round trip");
            }
        }
    }

    @Test
    void servicesFileListsTheFamily() {
        List<String> families = new ArrayList<>();
        ServiceLoader.load(ModelFamily.class).forEach(family -> families.add(family.getClass().getName()));
        assertTrue(families.contains(MyGptFamily.class.getName()), families.toString());
    }

    /** A new JVM never calls register, so only the services file can make my_gpt known there. */
    @Test
    void freshJvmResolvesWithoutRegistration() throws Exception {
        Path saved = dir.resolve("my-gpt");
        float[] expected;
        try (NDManager manager = NDManager.newBaseManager();
                MyGptModel model = PreTrainedModel.fromConfig(smallConfig(), MyGptModel::new, LoadOptions.defaults())) {
            model.savePretrained(saved);
            expected = model.forward(ModelInputs.of(manager.create(new long[] {1, 2, 3, 4}, new Shape(1, 4))))
                    .lastHiddenState().toFloatArray();
        }

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), ResolveWithoutRegistration.class.getName(), saved.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish in 120 s");
        assertEquals(0, process.exitValue(), "child JVM failed; its output: " + output);

        String[] lines = output.strip().split("\n");
        assertEquals(MyGptModel.class.getName(), lines[0]);
        String[] values = lines[1].replaceAll("[\\[\\]]", "").split(", ");
        float[] actual = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            actual[i] = Float.parseFloat(values[i]);
        }
        assertEquals(expected.length, actual.length);
        double diff = Golden.maxAbsDiff(actual, expected);
        assertTrue(diff < TOLERANCE, "child JVM outputs differ by " + diff + ": " + Arrays.toString(actual));
    }
}
