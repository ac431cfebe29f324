package dev.sparkformers.modeling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkformers.models.bert.BertConfig;
import dev.sparkformers.models.bert.BertForMaskedLM;
import dev.sparkformers.models.bert.BertForSequenceClassification;
import dev.sparkformers.models.bert.BertModel;
import dev.sparkformers.nn.Parameter;
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

class SavePretrainedTest {

    @TempDir
    Path dir;

    @Test
    void savedCheckpointReloadsToIdenticalOutputs() throws IOException {
        for (String fixture : List.of("tiny-bert", "tiny-bert-cls", "tiny-bert-mlm")) {
            Path saved = dir.resolve(fixture);
            try (Golden golden = Golden.open(fixture); NDManager manager = NDManager.newBaseManager();
                    PreTrainedModel<?> original = load(fixture, golden.checkpoint())) {
                original.savePretrained(saved);
                try (PreTrainedModel<?> reloaded = load(fixture, saved)) {
                    assertTrue(reloaded.loadReport().isComplete(), fixture + ": " + reloaded.loadReport());
                    ModelInputs inputs = ModelInputs.builder(golden.array(manager, "right.input_ids"))
                            .attentionMask(golden.array(manager, "right.attention_mask")).build();
                    float[] before = logitsOrHidden(original.forward(inputs));
                    float[] after = logitsOrHidden(reloaded.forward(inputs));
                    assertEquals(0.0, Golden.maxAbsDiff(after, before), fixture + ": outputs changed after reload");
                }
            }
        }
    }

    @Test
    void savedTensorNamesEqualHuggingFaceFiles() throws IOException {
        for (String fixture : List.of("tiny-bert", "tiny-bert-cls", "tiny-bert-mlm")) {
            Path saved = dir.resolve(fixture);
            try (Golden golden = Golden.open(fixture); PreTrainedModel<?> model = load(fixture, golden.checkpoint())) {
                model.savePretrained(saved);
                List<String> expected = new ArrayList<>();
                golden.json().get("saved_keys").fieldNames().forEachRemaining(expected::add);
                try (SafetensorsFile file = SafetensorsFile.open(saved.resolve("model.safetensors"))) {
                    assertEquals(new TreeSet<>(expected), new TreeSet<>(file.tensors().keySet()), fixture);
                    assertEquals(Map.of("format", "pt"), file.metadata());
                }
                JsonNode config = golden.json();
                assertEquals(config.get("config_json_text").asText(), Files.readString(saved.resolve("config.json")),
                        fixture + ": config.json differs from HuggingFace's");
            }
        }
    }

    @Test
    void tiedDecoderIsOneArray() throws IOException {
        try (BertForMaskedLM model = BertForMaskedLM.fromPretrained(Golden.directory("tiny-bert-mlm"))) {
            Map<String, Parameter> parameters = model.namedParameters();
            assertSame(parameters.get("bert.embeddings.word_embeddings.weight"),
                    parameters.get("cls.predictions.decoder.weight"));
            assertSame(parameters.get("cls.predictions.bias"), parameters.get("cls.predictions.decoder.bias"));
            assertEquals(List.of(List.of("bert.embeddings.word_embeddings.weight", "cls.predictions.decoder.weight"),
                    List.of("cls.predictions.bias", "cls.predictions.decoder.bias")), model.loadReport().tiedKeys());
        }
    }

    @Test
    void untiedDecoderWhenConfigSaysSo() throws IOException {
        BertConfig config = PretrainedConfigs.bert(Golden.directory("tiny-bert-mlm"));
        config.setTieWordEmbeddings(false);
        try (BertForMaskedLM model = PreTrainedModel.fromPretrained(Golden.directory("tiny-bert-mlm"), config,
                BertForMaskedLM::new, LoadOptions.defaults())) {
            assertEquals(List.of("cls.predictions.decoder.weight"), model.loadReport().missingKeys());
        }
    }

    @Test
    void strictLoadFailsOnMissingKeys() {
        LoadOptions strict = LoadOptions.builder().strict(true).build();
        IOException e = assertThrows(IOException.class,
                () -> BertForSequenceClassification.fromPretrained(Golden.directory("tiny-bert"), strict));
        assertTrue(e.getMessage().contains("[classifier.bias, classifier.weight]"), e.getMessage());
    }

    @Test
    void mismatchedShapesFailUnlessIgnored() throws IOException {
        Path checkpoint = dir.resolve("three-labels");
        Files.createDirectories(checkpoint);
        String config = Files.readString(Golden.directory("tiny-bert-cls").resolve("config.json"))
                .replace("\"NEGATIVE\": 0,", "\"NEGATIVE\": 0, \"NEUTRAL\": 2,")
                .replace("\"1\": \"POSITIVE\"", "\"1\": \"POSITIVE\", \"2\": \"NEUTRAL\"");
        Files.writeString(checkpoint.resolve("config.json"), config);
        Files.copy(Golden.directory("tiny-bert-cls").resolve("model.safetensors"), checkpoint.resolve("model.safetensors"));

        IOException e = assertThrows(IOException.class, () -> BertForSequenceClassification.fromPretrained(checkpoint));
        assertTrue(e.getMessage().contains("size mismatch for classifier.weight: copying a param with shape [2, 32] "
                + "from checkpoint, the shape in current model is [3, 32]"), e.getMessage());

        LoadOptions ignore = LoadOptions.builder().ignoreMismatchedSizes(true).build();
        try (BertForSequenceClassification model = BertForSequenceClassification.fromPretrained(checkpoint, ignore)) {
            assertEquals(List.of("classifier.bias", "classifier.weight"),
                    model.loadReport().mismatchedKeys().stream().map(LoadReport.MismatchedKey::key).sorted().toList());
            assertEquals(List.of(3L, 32L), model.loadReport().mismatchedKeys().stream()
                    .filter(m -> m.key().equals("classifier.weight")).findFirst().orElseThrow().modelShape());
        }
    }

    @Test
    void missingWeightsAreInitialisedTheSameWayEveryTime() throws IOException {
        try (BertModel first = BertModel.fromPretrained(Golden.directory("tiny-bert-mlm"));
                BertModel second = BertModel.fromPretrained(Golden.directory("tiny-bert-mlm"))) {
            NDArray a = first.namedParameters().get("pooler.dense.weight").array();
            NDArray b = second.namedParameters().get("pooler.dense.weight").array();
            assertEquals(0.0, Golden.maxAbsDiff(a.toFloatArray(), b.toFloatArray()));
            double std = Math.sqrt(a.square().mean().getFloat());
            assertTrue(std > 0.015 && std < 0.025, "pooler weights drawn with initializer_range 0.02, got std " + std);
            assertEquals(0f, first.namedParameters().get("pooler.dense.bias").array().abs().max().getFloat());
        }
    }

    @Test
    void bufferKeysInFileAreNotUnexpected() throws IOException {
        Path checkpoint = dir.resolve("with-buffers");
        Files.createDirectories(checkpoint);
        Files.copy(Golden.directory("tiny-bert").resolve("config.json"), checkpoint.resolve("config.json"));
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(Golden.directory("tiny-bert").resolve("model.safetensors"))) {
            for (String name : file.tensors().keySet()) {
                TensorData data = file.read(name);
                tensors.put(name, new TensorData(data.dtype(), data.shape(), copy(data)));
            }
        }
        long[] positions = new long[64];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        tensors.put("embeddings.position_ids", TensorData.ofLongs(positions, 1, 64));
        SafetensorsWriter.write(checkpoint.resolve("model.safetensors"), tensors);
        try (BertModel model = BertModel.fromPretrained(checkpoint)) {
            assertTrue(model.loadReport().isComplete(), model.loadReport().toString());
        }
    }

    @Test
    void impossibleModelIsRefusedBeforeAllocating() throws IOException {
        Path checkpoint = dir.resolve("huge");
        Files.createDirectories(checkpoint);
        Files.writeString(checkpoint.resolve("config.json"),
                "{\"model_type\": \"bert\", \"vocab_size\": 2000000000, \"hidden_size\": 4096, \"num_attention_heads\": 32}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BertModel.fromPretrained(checkpoint));
        assertTrue(e.getMessage().contains("more than the limit"), e.getMessage());

        Files.writeString(checkpoint.resolve("config.json"),
                "{\"model_type\": \"bert\", \"num_hidden_layers\": 2000000000}");
        e = assertThrows(IllegalArgumentException.class, () -> BertModel.fromPretrained(checkpoint));
        assertTrue(e.getMessage().contains("parameters"), e.getMessage());
    }

    private static java.nio.ByteBuffer copy(TensorData data) {
        java.nio.ByteBuffer copy = java.nio.ByteBuffer.allocate(data.data().remaining());
        copy.put(data.data().duplicate());
        return copy.flip();
    }

    private static PreTrainedModel<?> load(String fixture, Path directory) throws IOException {
        return switch (fixture) {
            case "tiny-bert" -> BertModel.fromPretrained(directory);
            case "tiny-bert-cls" -> BertForSequenceClassification.fromPretrained(directory);
            default -> BertForMaskedLM.fromPretrained(directory);
        };
    }

    private static float[] logitsOrHidden(ModelOutput output) {
        Object value = output.keys().contains("logits") ? output.get("logits") : output.get("last_hidden_state");
        return ((NDArray) value).toFloatArray();
    }

    /** Reads BERT configs for tests. */
    static final class PretrainedConfigs {
        static BertConfig bert(Path directory) throws IOException {
            return dev.sparkformers.config.PretrainedConfig.fromPretrained(directory, BertConfig.class);
        }
    }
}
