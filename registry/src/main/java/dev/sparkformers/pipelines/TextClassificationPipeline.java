package dev.sparkformers.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.sparkformers.auto.AutoModelForSequenceClassification;
import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.modeling.ModelOutput;
import dev.sparkformers.modeling.OutputArrays;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.tokenization.BatchEncoding;
import dev.sparkformers.tokenization.EncodeOptions;
import dev.sparkformers.tokenization.Encoding;
import dev.sparkformers.tokenization.PreTrainedTokenizer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sequence classification with a model head, HuggingFace's {@code text-classification} pipeline:
 * the head's logits become scores by {@code function_to_apply} (by default as HuggingFace picks
 * it from {@code problem_type} and the number of labels, see {@link ClassificationFunction#forConfig}),
 * and labels come from the config's {@code id2label}.
 *
 * <p>Parameters: {@code max_length} (tokens, preprocess), {@code function_to_apply}
 * ({@code sigmoid}, {@code softmax} or {@code none}), {@code top_k} and the legacy
 * {@code return_all_scores} (postprocess, see {@link TopK}), and {@code chunk_long_texts},
 * {@code chunk_window}, {@code chunk_stride} and {@code chunk_aggregation}. The raw result of a row
 * is its logits.
 *
 * <p>With {@code chunk_long_texts=true}, a text longer than the window is not truncated but cut
 * into windows (see {@link TokenWindows}; the window defaults to {@code max_length} and the stride
 * to 0). Each window is classified as a text of its own, its logits become scores by
 * {@code function_to_apply}, and the windows' scores are combined class by class by
 * {@code chunk_aggregation} ({@code mean}, the default, or {@code max}; see
 * {@link ChunkAggregation}). The label is the class with the best combined score. The raw result
 * of such a row is the combined scores, and a text that fits in one window gets exactly its usual
 * result. HuggingFace's pipeline has no chunking.
 *
 * <p>Unlike HuggingFace, which passes over-long inputs to the model (and fails), inputs are
 * truncated to the model's maximum length and the row reports {@code truncated}. A tokenizer
 * without a pad token gets the config's {@code pad_token_id}; when the config has none either
 * (HuggingFace's GPT-2), rows run one at a time, since GPT-2's head finds a row's last token by
 * the pad token.
 */
public class TextClassificationPipeline extends Pipeline<String, float[], Classification> {

    /** Task name. */
    public static final String TASK = "text-classification";

    private static final Logger LOG = LoggerFactory.getLogger(TextClassificationPipeline.class);

    private static final List<String> PARAMETERS = List.of("max_length", "function_to_apply", TopK.PARAMETER,
            "return_all_scores", TokenWindows.CHUNK_LONG_TEXTS, TokenWindows.CHUNK_WINDOW, TokenWindows.CHUNK_STRIDE,
            ChunkAggregation.PARAMETER);

    private final int maxLength;

    public TextClassificationPipeline(PreTrainedModel<?> model, PreTrainedTokenizer tokenizer) {
        super(model, tokenizer);
        this.maxLength = PipelineTokenizers.maxLength(model, tokenizer);
    }

    @Override
    public String task() {
        return TASK;
    }

    /** Longest input in tokens, special tokens included, when no {@code max_length} is given. */
    public int maxLength() {
        return maxLength;
    }

    /** Label names in class order. */
    public List<String> labels() {
        return labelNames(model().config());
    }

    @Override
    public StageParameters sanitizeParameters(Map<String, ?> parameters) {
        requireKnown(parameters, PARAMETERS, TASK);
        Map<String, Object> preprocess = new HashMap<>();
        Map<String, Object> forward = new HashMap<>();
        Map<String, Object> postprocess = new HashMap<>();
        Integer length = intParameter(parameters, "max_length");
        if (length != null) {
            if (length < 1) {
                throw new IllegalArgumentException("max_length must be positive, but is " + length);
            }
            preprocess.put("max_length", length);
        }
        Object named = parameters.get("function_to_apply");
        ClassificationFunction function = named == null ? null : named instanceof ClassificationFunction f ? f
                : ClassificationFunction.fromName(named.toString());
        if (function != null) {
            postprocess.put("function_to_apply", function);
        }
        postprocess.put(TopK.PARAMETER, TopK.fromParameters(parameters));

        TokenWindows windows = TokenWindows.fromParameters(parameters, length != null ? length : maxLength);
        ChunkAggregation aggregation = ChunkAggregation.fromParameters(parameters, windows);
        if (windows != null) {
            // Windows are combined after function_to_apply, so forward applies it and postprocess
            // receives scores.
            preprocess.put(TokenWindows.STAGE_PARAMETER, windows);
            forward.put(TokenWindows.STAGE_PARAMETER, windows);
            forward.put(ChunkAggregation.PARAMETER, aggregation);
            forward.put("function_to_apply", function != null ? function
                    : ClassificationFunction.forConfig(model().config()));
            postprocess.put("function_to_apply", ClassificationFunction.NONE);
        }
        return new StageParameters(preprocess, forward, postprocess);
    }

    @Override
    public Encoding preprocess(String text, Map<String, Object> parameters) {
        if (parameters.containsKey(TokenWindows.STAGE_PARAMETER)) {
            return tokenizer().encode(text, TokenWindows.WHOLE_TEXT);
        }
        int length = (Integer) parameters.getOrDefault("max_length", maxLength);
        return tokenizer().encode(text, EncodeOptions.builder().truncation(true).maxLength(length).build());
    }

    @Override
    public List<float[]> forward(List<Encoding> batch, Map<String, Object> parameters) {
        TokenWindows windows = (TokenWindows) parameters.get(TokenWindows.STAGE_PARAMETER);
        if (windows == null) {
            return logits(batch);
        }
        ClassificationFunction function = (ClassificationFunction) parameters.get("function_to_apply");
        ChunkAggregation aggregation = (ChunkAggregation) parameters.get(ChunkAggregation.PARAMETER);
        return windows.forward(batch, chunks -> logits(chunks).stream().map(function::apply).toList(),
                aggregation::apply);
    }

    /** Computes the logits of each encoding, one row per model call when the tokenizer has no pad token. */
    private List<float[]> logits(List<Encoding> batch) {
        if (batch.size() > 1 && tokenizer().padTokenId().isEmpty()) {
            LOG.debug("The tokenizer has no pad token; classifying {} rows one at a time", batch.size());
            List<float[]> rows = new ArrayList<>(batch.size());
            for (Encoding encoding : batch) {
                rows.addAll(paddedLogits(List.of(encoding)));
            }
            return rows;
        }
        return paddedLogits(batch);
    }

    private List<float[]> paddedLogits(List<Encoding> batch) {
        BatchEncoding padded = tokenizer().pad(batch);
        try (NDManager manager = model().manager().newSubManager()) {
            ModelOutput output = model().forward(ModelBatches.inputs(model(), padded, manager).build());
            NDArray logits = (NDArray) output.get("logits"); // (B, labels)
            return SentenceEmbeddingPipeline.rows(OutputArrays.toFloat32Array(logits), batch.size());
        }
    }

    @Override
    public Classification postprocess(float[] logits, Encoding input, Map<String, Object> parameters) {
        ClassificationFunction function = (ClassificationFunction) parameters.getOrDefault("function_to_apply",
                ClassificationFunction.forConfig(model().config()));
        TopK topK = (TopK) parameters.getOrDefault(TopK.PARAMETER, TopK.LEGACY_BEST);
        return classification(labels(), function.apply(logits), topK);
    }

    /** Builds the classification of one row from its scores in class order. */
    static Classification classification(List<String> labels, float[] scores, TopK topK) {
        List<LabelScore> all = new ArrayList<>(scores.length);
        Map<String, Float> byLabel = new LinkedHashMap<>();
        for (int i = 0; i < scores.length; i++) {
            String label = i < labels.size() ? labels.get(i) : "LABEL_" + i;
            all.add(new LabelScore(label, scores[i]));
            byLabel.put(label, scores[i]);
        }
        LabelScore best = TopK.best(all);
        return new Classification(best.label(), best.score(), topK.select(all), byLabel);
    }

    /** The config's {@code id2label} in class order; a missing index gets HuggingFace's {@code LABEL_i}. */
    static List<String> labelNames(PretrainedConfig config) {
        Map<Integer, String> id2label = config.id2label();
        int count = id2label.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        List<String> labels = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            labels.add(id2label.getOrDefault(i, "LABEL_" + i));
        }
        return labels;
    }

    /** Builds the pipeline with {@code AutoModelForSequenceClassification}. */
    public static final class Factory implements PipelineFactory {

        @Override
        public String task() {
            return TASK;
        }

        @Override
        public Pipeline<?, ?, ?> create(Path directory, PipelineOptions options) throws IOException {
            PreTrainedModel<?> model = AutoModelForSequenceClassification.fromPretrained(directory, options.load());
            try {
                return new TextClassificationPipeline(model,
                        PipelineTokenizers.load(directory, model.config(), null, false));
            } catch (IOException | RuntimeException e) {
                model.close();
                throw e;
            }
        }
    }
}
