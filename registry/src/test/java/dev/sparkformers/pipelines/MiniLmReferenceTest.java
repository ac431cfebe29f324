package dev.sparkformers.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkformers.modeling.BaseModelOutputWithPooling;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.models.bert.BertModel;
import dev.sparkformers.safetensors.SafetensorsFile;
import dev.sparkformers.safetensors.TensorData;
import dev.sparkformers.testing.Golden;
import dev.sparkformers.testing.MiniLm;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * all-MiniLM-L6-v2 against ONNX Runtime's outputs for five padded sentences: the last hidden state
 * at real tokens within 2e-5, the mean-pooled normalised embeddings within 1e-5.
 */
class MiniLmReferenceTest {

    private static Path reference;
    private static List<String> texts;

    @BeforeAll
    static void readReference() throws IOException, URISyntaxException {
        reference = Path.of(MiniLmReferenceTest.class.getClassLoader()
                .getResource("minilm-reference/reference.safetensors").toURI());
        try (InputStream in = MiniLmReferenceTest.class.getClassLoader()
                .getResourceAsStream("minilm-reference/texts.json")) {
            texts = new ArrayList<>();
            new ObjectMapper().readTree(in).get("texts").forEach(t -> texts.add(t.asText()));
        }
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntime() throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(reference); NDManager manager = NDManager.newBaseManager();
                BertModel model = BertModel.fromPretrained(MiniLm.checkpoint())) {
            assertEquals(List.of("pooler.dense.bias", "pooler.dense.weight"), model.loadReport().missingKeys());
            NDArray ids = array(manager, file.read("input_ids"));
            NDArray mask = array(manager, file.read("attention_mask"));
            BaseModelOutputWithPooling output = model.forward(ModelInputs.builder(ids).attentionMask(mask)
                    .tokenTypeIds(array(manager, file.read("token_type_ids"))).build());
            float[] expected = file.read("last_hidden_state").toFloatArray();
            float[] actual = output.lastHiddenState().toFloatArray();
            long[] maskValues = file.read("attention_mask").toLongArray();
            int hidden = 384;
            double max = 0;
            for (int position = 0; position < maskValues.length; position++) {
                if (maskValues[position] == 1) {
                    for (int h = 0; h < hidden; h++) {
                        int i = position * hidden + h;
                        max = Math.max(max, Math.abs(actual[i] - expected[i]));
                    }
                }
            }
            System.out.printf("all-MiniLM-L6-v2 last_hidden_state max |diff| at real tokens: %.3g%n", max);
            assertTrue(max <= 2e-5, "last_hidden_state differs by " + max);
        }
    }

    @Test
    void sentenceEmbeddingsMatchReference() throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(reference);
                SentenceEmbeddingPipeline pipeline = SentenceEmbeddingPipeline.fromPretrained(MiniLm.checkpoint(),
                        LoadOptions.defaults())) {
            assertEquals(256, pipeline.maxLength());
            assertEquals(PoolingMode.MEAN, pipeline.settings().pooling());
            assertTrue(pipeline.settings().normalize());
            List<float[]> embeddings = pipeline.call(texts, java.util.Map.of());
            float[] expected = file.read("sentence_embedding").toFloatArray();
            double max = 0;
            for (int row = 0; row < texts.size(); row++) {
                float[] slice = java.util.Arrays.copyOfRange(expected, row * 384, (row + 1) * 384);
                max = Math.max(max, Golden.maxAbsDiff(embeddings.get(row), slice));
            }
            System.out.printf("all-MiniLM-L6-v2 sentence_embedding max |diff|: %.3g%n", max);
            assertTrue(max <= 1e-5, "embeddings differ by " + max);
        }
    }

    @Test
    void embeddingDoesNotDependOnBatchCompanions() throws IOException {
        try (SentenceEmbeddingPipeline pipeline = SentenceEmbeddingPipeline.fromPretrained(MiniLm.checkpoint(),
                LoadOptions.defaults())) {
            String text = texts.get(1);
            String longer = (texts.get(4) + " ").repeat(3);
            float[] alone = pipeline.call(List.of(text), java.util.Map.of()).get(0);
            float[] together = pipeline.call(List.of(longer, text), java.util.Map.of(), 100_000).get(1);
            double diff = Golden.maxAbsDiff(alone, together);
            assertTrue(diff <= 1e-5, "padding beside a longer text changed the embedding by " + diff);
        }
    }

    private static NDArray array(NDManager manager, TensorData data) {
        return manager.create(data.toLongArray(), new ai.djl.ndarray.types.Shape(data.shape()));
    }
}
