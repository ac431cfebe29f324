package dev.sparkformers.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.sparkformers.modeling.ModelOutput;
import dev.sparkformers.modeling.OutputArrays;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.tokenization.BatchEncoding;
import dev.sparkformers.tokenization.EncodeOptions;
import dev.sparkformers.tokenization.Encoding;
import dev.sparkformers.tokenization.PreTrainedTokenizer;
import dev.sparkformers.tokenization.Side;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-token hidden states, HuggingFace's {@code feature-extraction} task: for each input, the last
 * hidden state at every real token (special tokens included, padding left out), as
 * {@code float[tokens][hidden]}.
 *
 * <p>Parameters: {@code max_length} (tokens; inputs are truncated to it, by default the model's
 * maximum).
 */
public class FeatureExtractionPipeline extends Pipeline<String, float[][], float[][]> {

    /** Task name. */
    public static final String TASK = "feature-extraction";

    private final int maxLength;

    public FeatureExtractionPipeline(PreTrainedModel<?> model, PreTrainedTokenizer tokenizer, int maxLength) {
        super(model, tokenizer);
        this.maxLength = maxLength;
    }

    @Override
    public String task() {
        return TASK;
    }

    @Override
    public StageParameters sanitizeParameters(Map<String, ?> parameters) {
        requireKnown(parameters, List.of("max_length"), TASK);
        Map<String, Object> preprocess = new HashMap<>();
        Integer length = intParameter(parameters, "max_length");
        if (length != null) {
            preprocess.put("max_length", length);
        }
        return new StageParameters(preprocess, Map.of(), Map.of());
    }

    @Override
    public Encoding preprocess(String text, Map<String, Object> parameters) {
        int length = (Integer) parameters.getOrDefault("max_length", maxLength);
        return tokenizer().encode(text, EncodeOptions.builder().truncation(true).maxLength(length).build());
    }

    @Override
    public List<float[][]> forward(List<Encoding> batch, Map<String, Object> parameters) {
        BatchEncoding padded = tokenizer().pad(batch, Side.RIGHT);
        try (NDManager manager = model().manager().newSubManager()) {
            ModelOutput output = model().forward(ModelBatches.inputs(model(), padded, manager).build());
            NDArray hidden = (NDArray) output.get("last_hidden_state"); // (B, T, H)
            int sequence = (int) hidden.getShape().get(1);
            int width = (int) hidden.getShape().get(2);
            float[] flat = OutputArrays.toFloat32Array(hidden);
            List<float[][]> rows = new ArrayList<>(batch.size());
            for (int b = 0; b < batch.size(); b++) {
                int tokens = batch.get(b).length();
                float[][] row = new float[tokens][width];
                for (int t = 0; t < tokens; t++) {
                    System.arraycopy(flat, (b * sequence + t) * width, row[t], 0, width);
                }
                rows.add(row);
            }
            return rows;
        }
    }

    @Override
    public float[][] postprocess(float[][] raw, Encoding input, Map<String, Object> parameters) {
        return raw;
    }

    /**
     * Builds the pipeline with {@code AutoModel}; inputs are truncated to the maximum length that
     * sentence-transformers would use for the checkpoint.
     */
    public static final class Factory implements PipelineFactory {

        @Override
        public String task() {
            return TASK;
        }

        @Override
        public Pipeline<?, ?, ?> create(Path directory, PipelineOptions options) throws IOException {
            SentenceEmbeddingPipeline embedding = SentenceEmbeddingPipeline.fromPretrained(directory, options.load());
            return new FeatureExtractionPipeline(embedding.model(), embedding.tokenizer(), embedding.maxLength());
        }
    }
}
