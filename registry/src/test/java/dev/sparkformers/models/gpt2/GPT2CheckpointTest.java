package dev.sparkformers.models.gpt2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;

import dev.sparkformers.modeling.CausalLMOutputWithPast;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.SequenceClassifierOutputWithPast;
import dev.sparkformers.safetensors.SafetensorsFile;
import dev.sparkformers.safetensors.SafetensorsWriter;
import dev.sparkformers.safetensors.TensorData;
import dev.sparkformers.testing.Golden;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Loading and saving GPT-2 checkpoints the way HuggingFace does. */
class GPT2CheckpointTest {

    @TempDir
    Path dir;

    @Test
    void savedTensorNamesEqualHuggingFaceFiles() throws IOException {
        for (String fixture : List.of("tiny-gpt2", "tiny-gpt2-cls")) {
            Path saved = dir.resolve(fixture);
            try (Golden golden = Golden.open(fixture); var model = load(fixture, golden.checkpoint())) {
                model.savePretrained(saved);
                List<String> expected = new ArrayList<>();
                golden.json().get("saved_keys").fieldNames().forEachRemaining(expected::add);
                try (SafetensorsFile file = SafetensorsFile.open(saved.resolve("model.safetensors"))) {
                    assertEquals(new TreeSet<>(expected), new TreeSet<>(file.tensors().keySet()), fixture);
                    assertEquals(Map.of("format", "pt"), file.metadata());
                }
                assertEquals(golden.json().get("config_json_text").asText(),
                        Files.readString(saved.resolve("config.json")), fixture + ": config.json");
            }
        }
    }

    @Test
    void savedLmHeadReloadsToIdenticalLogits() throws IOException {
        Path saved = dir.resolve("saved");
        try (Golden golden = Golden.open("tiny-gpt2"); NDManager manager = NDManager.newBaseManager();
                GPT2LMHeadModel original = GPT2LMHeadModel.fromPretrained(golden.checkpoint())) {
            original.savePretrained(saved);
            try (GPT2LMHeadModel reloaded = GPT2LMHeadModel.fromPretrained(saved)) {
                assertTrue(reloaded.loadReport().isComplete(), reloaded.loadReport().toString());
                ModelInputs inputs = GPT2GoldenParityTest.inputs(golden, manager, "right");
                float[] before = original.forward(inputs).logits().toFloatArray();
                float[] after = reloaded.forward(inputs).logits().toFloatArray();
                assertEquals(0.0, Golden.maxAbsDiff(after, before));
            }
        }
    }

    @Test
    void lmHeadIsTiedToTokenEmbeddings() throws IOException {
        try (GPT2LMHeadModel model = GPT2LMHeadModel.fromPretrained(Golden.directory("tiny-gpt2"))) {
            assertSame(model.namedParameters().get("transformer.wte.weight"),
                    model.namedParameters().get("lm_head.weight"));
            assertEquals(List.of(List.of("transformer.wte.weight", "lm_head.weight")), model.loadReport().tiedKeys());
        }
    }

    /** Older checkpoints, such as the hub's gpt2, store the attention mask buffers; they are not unexpected. */
    @Test
    void maskBuffersInFileAreNotUnexpected() throws IOException {
        Path withBuffers = dir.resolve("with-buffers");
        Files.createDirectories(withBuffers);
        Files.copy(Golden.directory("tiny-gpt2").resolve("config.json"), withBuffers.resolve("config.json"));
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(Golden.directory("tiny-gpt2").resolve("model.safetensors"))) {
            for (String name : file.tensors().keySet()) {
                tensors.put(name, file.read(name));
            }
        }
        for (int layer = 0; layer < 2; layer++) {
            tensors.put("transformer.h." + layer + ".attn.bias", TensorData.ofFloats(new float[64 * 64], 1, 1, 64, 64));
            tensors.put("transformer.h." + layer + ".attn.masked_bias", TensorData.ofFloats(new float[] {-1e4f}));
        }
        SafetensorsWriter.write(withBuffers.resolve("model.safetensors"), tensors);

        try (GPT2LMHeadModel model = GPT2LMHeadModel.fromPretrained(withBuffers);
                GPT2Model base = GPT2Model.fromPretrained(withBuffers)) {
            assertTrue(model.loadReport().isComplete(), model.loadReport().toString());
            assertTrue(base.loadReport().isComplete(), base.loadReport().toString());
        }
    }

    @Test
    void batchWithoutPadTokenFailsLikeHuggingFace() throws IOException {
        try (Golden golden = Golden.open("tiny-gpt2"); NDManager manager = NDManager.newBaseManager();
                GPT2ForSequenceClassification model =
                        GPT2ForSequenceClassification.fromPretrained(golden.checkpoint())) {
            ModelInputs batch = GPT2GoldenParityTest.inputs(golden, manager, "right");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.forward(batch));
            assertTrue(e.getMessage().startsWith("Cannot handle batch sizes > 1 if no padding token is defined."),
                    e.getMessage());

            SequenceClassifierOutputWithPast single = model.forward(GPT2GoldenParityTest.inputs(golden, manager,
                    "single"));
            assertEquals(new ai.djl.ndarray.types.Shape(1, 2), single.logits().getShape());
        }
    }

    @Test
    void cacheIsOffWhenRequested() throws IOException {
        try (Golden golden = Golden.open("tiny-gpt2"); NDManager manager = NDManager.newBaseManager();
                GPT2LMHeadModel model = GPT2LMHeadModel.fromPretrained(golden.checkpoint())) {
            CausalLMOutputWithPast withCache = model.forward(ModelInputs.of(golden.array(manager, "single.input_ids")));
            assertEquals(2, withCache.pastKeyValues().size(), "use_cache defaults to the config's true");
            ModelInputs uncached = ModelInputs.builder(golden.array(manager, "single.input_ids")).useCache(false)
                    .build();
            CausalLMOutputWithPast without = model.forward(uncached);
            assertEquals(List.of("logits"), without.keys());
        }
    }

    @Test
    void positionsBeyondTableAreRejected() throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
                GPT2Model model = GPT2Model.fromPretrained(Golden.directory("tiny-gpt2"))) {
            ModelInputs tooLong = ModelInputs.of(manager.ones(new ai.djl.ndarray.types.Shape(1, 65),
                    ai.djl.ndarray.types.DataType.INT64));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.forward(tooLong));
            assertTrue(e.getMessage().contains("exceeds n_positions 64"), e.getMessage());
        }
    }

    private static GPT2PreTrainedModel load(String fixture, Path directory) throws IOException {
        return fixture.endsWith("-cls") ? GPT2ForSequenceClassification.fromPretrained(directory)
                : GPT2LMHeadModel.fromPretrained(directory);
    }
}
