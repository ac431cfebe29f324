package dev.sparkformers.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.sparkformers.auto.AutoModel;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.ModelOutput;
import dev.sparkformers.modeling.OutputArrays;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.tokenization.AutoTokenizer;
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
 * Sentence embeddings as sentence-transformers computes them: tokenize with truncation to the
 * model's maximum sequence length, run the encoder, pool the last hidden state over real tokens,
 * and L2-normalise when the checkpoint's modules include Normalize.
 *
 * <p>Parameters: {@code max_length} (tokens, preprocess), {@code pooling} and {@code normalize}
 * (forward), and {@code chunk_long_texts}, {@code chunk_window} and {@code chunk_stride}. Each
 * output is a {@code float[hidden]}.
 *
 * <p>With {@code chunk_long_texts=true}, a text longer than the window is not truncated but cut
 * into windows (see {@link TokenWindows}; the window defaults to {@code max_length} and the stride
 * to 0). Each window is embedded as a text of its own (pooled, and normalised when the model
 * normalises), the text's embedding is the unweighted mean of its window embeddings, and that
 * mean is L2-normalised again when the model normalises. A text that fits in one window gets
 * exactly its usual embedding.
 */
public class SentenceEmbeddingPipeline extends Pipeline<String, float[], float[]> {

    /** Task name. */
    public static final String TASK = "sentence-embedding";

    private static final List<String> PARAMETERS = List.of("max_length", "pooling", "normalize",
            TokenWindows.CHUNK_LONG_TEXTS, TokenWindows.CHUNK_WINDOW, TokenWindows.CHUNK_STRIDE);

    /** Smallest norm divided by, as in {@link Pooling#normalize}. */
    private static final float MIN_NORM = 1e-12f;

    private final SentenceTransformerConfig settings;
    private final int maxLength;

    public SentenceEmbeddingPipeline(PreTrainedModel<?> model, PreTrainedTokenizer tokenizer,
            SentenceTransformerConfig settings) {
        super(model, tokenizer);
        this.settings = settings;
        this.maxLength = defaultMaxLength(model, tokenizer, settings);
    }

    /** Loads the model, tokenizer and sentence-transformers settings of a checkpoint directory. */
    public static SentenceEmbeddingPipeline fromPretrained(Path directory, LoadOptions options) throws IOException {
        SentenceTransformerConfig settings = SentenceTransformerConfig.read(directory);
        PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(directory);
        try {
            return new SentenceEmbeddingPipeline(AutoModel.fromPretrained(directory, options), tokenizer, settings);
        } catch (IOException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    @Override
    public String task() {
        return TASK;
    }

    /** The checkpoint's sentence-transformers settings. */
    public SentenceTransformerConfig settings() {
        return settings;
    }

    /** Longest input in tokens, special tokens included, when no {@code max_length} is given. */
    public int maxLength() {
        return maxLength;
    }

    /** Width of the embeddings. */
    public int dimension() {
        return model().config().get("hidden_size").asInt();
    }

    @Override
    public StageParameters sanitizeParameters(Map<String, ?> parameters) {
        requireKnown(parameters, PARAMETERS, TASK);
        Map<String, Object> preprocess = new HashMap<>();
        Map<String, Object> forward = new HashMap<>();
        Integer length = intParameter(parameters, "max_length");
        if (length != null) {
            if (length < 1) {
                throw new IllegalArgumentException("max_length must be positive, but is " + length);
            }
            preprocess.put("max_length", length);
        }
        if (parameters.get("pooling") != null) {
            forward.put("pooling", PoolingMode.fromName(parameters.get("pooling").toString()));
        }
        Boolean normalize = booleanParameter(parameters, "normalize");
        if (normalize != null) {
            forward.put("normalize", normalize);
        }
        TokenWindows windows = TokenWindows.fromParameters(parameters, length != null ? length : maxLength);
        if (windows != null) {
            preprocess.put(TokenWindows.STAGE_PARAMETER, windows);
            forward.put(TokenWindows.STAGE_PARAMETER, windows);
        }
        return new StageParameters(preprocess, forward, Map.of());
    }

    @Override
    public Encoding preprocess(String text, Map<String, Object> parameters) {
        int length = (Integer) parameters.getOrDefault("max_length", maxLength);
        EncodeOptions options = EncodeOptions.builder().truncation(true).maxLength(length).build();
        if (parameters.containsKey(TokenWindows.STAGE_PARAMETER)) {
            options = TokenWindows.WHOLE_TEXT;
        }
        return tokenizer().encode(text, options);
    }

    @Override
    public List<float[]> forward(List<Encoding> batch, Map<String, Object> parameters) {
        PoolingMode pooling = (PoolingMode) parameters.getOrDefault("pooling", settings.pooling());
        boolean normalize = (Boolean) parameters.getOrDefault("normalize", settings.normalize());
        TokenWindows windows = (TokenWindows) parameters.get(TokenWindows.STAGE_PARAMETER);
        if (windows == null) {
            return embed(batch, pooling, normalize);
        }
        return windows.forward(batch, chunks -> embed(chunks, pooling, normalize),
                chunkEmbeddings -> mean(chunkEmbeddings, normalize));
    }

    /** The unweighted mean of {@code vectors}, L2-normalised when {@code normalize} is set. */
    private static float[] mean(List<float[]> vectors, boolean normalize) {
        int width = vectors.get(0).length;
        double[] sum = new double[width];
        for (float[] vector : vectors) {
            for (int i = 0; i < width; i++) {
                sum[i] += vector[i];
            }
        }
        float[] mean = new float[width];
        double norm = 0;
        for (int i = 0; i < width; i++) {
            mean[i] = (float) (sum[i] / vectors.size());
            norm += (double) mean[i] * mean[i];
        }
        if (normalize) {
            float divisor = (float) Math.max(Math.sqrt(norm), MIN_NORM);
            for (int i = 0; i < width; i++) {
                mean[i] /= divisor;
            }
        }
        return mean;
    }

    private List<float[]> embed(List<Encoding> batch, PoolingMode pooling, boolean normalize) {
        BatchEncoding padded = tokenizer().pad(batch, Side.RIGHT);
        try (NDManager manager = model().manager().newSubManager()) {
            ModelOutput output = model().forward(ModelBatches.inputs(model(), padded, manager).build());
            NDArray hidden = (NDArray) output.get("last_hidden_state"); // (B, T, H)
            NDArray mask = padded.toNDArray(manager, BatchEncoding.ATTENTION_MASK);
            NDArray embeddings = Pooling.pool(pooling, hidden, mask); // (B, H)
            if (normalize) {
                embeddings = Pooling.normalize(embeddings);
            }
            return rows(OutputArrays.toFloat32Array(embeddings), batch.size());
        }
    }

    @Override
    public float[] postprocess(float[] raw, Encoding input, Map<String, Object> parameters) {
        return raw;
    }

    /** Cuts a row-major {@code [count, width]} array into rows. */
    static List<float[]> rows(float[] flat, int count) {
        int width = count == 0 ? 0 : flat.length / count;
        List<float[]> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            float[] row = new float[width];
            System.arraycopy(flat, i * width, row, 0, width);
            rows.add(row);
        }
        return rows;
    }

    /**
     * sentence-transformers' rule: {@code max_seq_length} when the checkpoint sets it, otherwise the
     * tokenizer's {@code model_max_length}, never more than the model's position table.
     */
    static int defaultMaxLength(PreTrainedModel<?> model, PreTrainedTokenizer tokenizer,
            SentenceTransformerConfig settings) {
        int length = settings.maxSeqLength().orElse(tokenizer.modelMaxLength());
        var positions = model.config().get("max_position_embeddings");
        if (positions.isInt()) {
            length = Math.min(length, positions.asInt());
        }
        return length;
    }

    /** Builds the pipeline with {@code AutoModel} and the checkpoint's sentence-transformers settings. */
    public static final class Factory implements PipelineFactory {

        @Override
        public String task() {
            return TASK;
        }

        @Override
        public Pipeline<?, ?, ?> create(Path directory, PipelineOptions options) throws IOException {
            return fromPretrained(directory, options.load());
        }
    }
}
