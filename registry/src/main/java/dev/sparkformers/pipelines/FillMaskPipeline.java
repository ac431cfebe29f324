package dev.sparkformers.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.sparkformers.auto.AutoModelForMaskedLM;
import dev.sparkformers.modeling.ModelOutput;
import dev.sparkformers.modeling.OutputArrays;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.tokenization.AutoTokenizer;
import dev.sparkformers.tokenization.BatchEncoding;
import dev.sparkformers.tokenization.EncodeOptions;
import dev.sparkformers.tokenization.Encoding;
import dev.sparkformers.tokenization.PreTrainedTokenizer;
import dev.sparkformers.tokenization.Side;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Masked-token prediction, HuggingFace's {@code fill-mask} pipeline: for each mask token of the
 * input, the {@code top_k} most likely tokens with their probability (softmax over the whole
 * vocabulary), id, text and the completed sequence.
 *
 * <p>Parameters: {@code max_length} (tokens, preprocess; inputs are truncated to it, by default
 * the model's maximum), {@code top_k} (default 5) and {@code targets} (a list of tokens or words,
 * or a comma-separated string; scores stay probabilities over the whole vocabulary) in
 * postprocess. The output holds one list per mask token, in input order; HuggingFace returns the
 * list itself when there is one mask.
 */
public class FillMaskPipeline extends Pipeline<String, MaskLogits, List<List<FillMaskPrediction>>> {

    /** Task name. */
    public static final String TASK = "fill-mask";

    private static final Logger LOG = LoggerFactory.getLogger(FillMaskPipeline.class);

    private static final List<String> PARAMETERS = List.of("max_length", TopK.PARAMETER, "targets");

    private static final int DEFAULT_TOP_K = 5;

    private final int maxLength;
    private final long maskTokenId;

    /**
     * @throws IllegalArgumentException if the tokenizer has no mask token
     */
    public FillMaskPipeline(PreTrainedModel<?> model, PreTrainedTokenizer tokenizer) {
        super(model, tokenizer);
        OptionalLong mask = tokenizer.maskTokenId();
        if (mask.isEmpty()) {
            throw new IllegalArgumentException("The tokenizer in " + tokenizer.directory() + " has no mask_token; "
                    + "fill-mask needs one. Set mask_token in tokenizer_config.json");
        }
        this.maskTokenId = mask.getAsLong();
        this.maxLength = PipelineTokenizers.maxLength(model, tokenizer);
    }

    @Override
    public String task() {
        return TASK;
    }

    @Override
    public StageParameters sanitizeParameters(Map<String, ?> parameters) {
        requireKnown(parameters, PARAMETERS, TASK);
        Map<String, Object> preprocess = new HashMap<>();
        Map<String, Object> postprocess = new HashMap<>();
        Integer length = intParameter(parameters, "max_length");
        if (length != null) {
            preprocess.put("max_length", length);
        }
        Integer topK = intParameter(parameters, TopK.PARAMETER);
        if (topK != null) {
            if (topK < 1) {
                throw new IllegalArgumentException("top_k must be a positive integer, but is " + topK);
            }
            postprocess.put(TopK.PARAMETER, topK);
        }
        Object targets = parameters.get("targets");
        if (targets != null) {
            postprocess.put("targets", targetIds(targets));
        }
        return new StageParameters(preprocess, Map.of(), postprocess);
    }

    /**
     * Returns the ids of the target tokens: a target that is a vocabulary token is taken as it is,
     * another is tokenized and its first token used, as HuggingFace does (with a warning there).
     */
    private long[] targetIds(Object targets) {
        List<String> names = new ArrayList<>();
        if (targets instanceof List<?> list) {
            list.forEach(item -> names.add(String.valueOf(item)));
        } else {
            names.addAll(Arrays.asList(targets.toString().split(",")));
        }
        Set<Long> ids = new LinkedHashSet<>();
        for (String name : names) {
            OptionalLong direct = tokenizer().convertTokenToId(name);
            // convertTokenToId falls back to the unknown token; only an exact vocabulary entry counts here.
            if (direct.isPresent() && name.equals(tokenizer().convertIdsToTokens(new long[] {direct.getAsLong()})[0])) {
                ids.add(direct.getAsLong());
                continue;
            }
            Encoding encoding = tokenizer().encode(name, EncodeOptions.builder().addSpecialTokens(false).build());
            if (encoding.length() == 0) {
                LOG.warn("The target '{}' gives no token and is ignored", name);
                continue;
            }
            LOG.warn("The target '{}' is not in the vocabulary; using its first token '{}' instead", name,
                    encoding.tokens()[0]);
            ids.add(encoding.inputIds()[0]);
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("targets gives no token; give at least one target or leave targets out");
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public Encoding preprocess(String text, Map<String, Object> parameters) {
        int length = (Integer) parameters.getOrDefault("max_length", maxLength);
        Encoding encoding = tokenizer().encode(text, EncodeOptions.builder().truncation(true).maxLength(length).build());
        if (maskPositions(encoding).length == 0) {
            throw new IllegalArgumentException("No mask_token (" + tokenizer().maskToken().orElse("") + ") found on "
                    + "the input" + (encoding.truncated() ? " after truncation to " + length + " tokens" : ""));
        }
        return encoding;
    }

    @Override
    public List<MaskLogits> forward(List<Encoding> batch, Map<String, Object> parameters) {
        BatchEncoding padded = tokenizer().pad(batch, Side.RIGHT);
        try (NDManager manager = model().manager().newSubManager()) {
            ModelOutput output = model().forward(ModelBatches.inputs(model(), padded, manager).build());
            NDArray logits = (NDArray) output.get("logits"); // (B, T, V)
            List<MaskLogits> rows = new ArrayList<>(batch.size());
            for (int b = 0; b < batch.size(); b++) {
                int[] positions = maskPositions(batch.get(b));
                float[][] values = new float[positions.length][];
                for (int m = 0; m < positions.length; m++) {
                    // Right padding keeps each row's positions unchanged in the padded batch.
                    try (NDArray row = logits.get(b, positions[m])) {
                        values[m] = OutputArrays.toFloat32Array(row);
                    }
                }
                rows.add(new MaskLogits(positions, values));
            }
            return rows;
        }
    }

    @Override
    public List<List<FillMaskPrediction>> postprocess(MaskLogits raw, Encoding input, Map<String, Object> parameters) {
        long[] targets = (long[]) parameters.get("targets");
        int topK = (Integer) parameters.getOrDefault(TopK.PARAMETER, DEFAULT_TOP_K);
        if (targets != null) {
            topK = Math.min(topK, targets.length);
        }
        boolean singleMask = raw.positions().length == 1;
        long[] ids = input.inputIds();

        List<List<FillMaskPrediction>> result = new ArrayList<>(raw.positions().length);
        for (int m = 0; m < raw.positions().length; m++) {
            float[] probabilities = ClassificationFunction.SOFTMAX.apply(raw.logits()[m]);
            int[] candidates = targets == null ? topIndices(probabilities, topK) : topTargets(probabilities, targets, topK);
            List<FillMaskPrediction> row = new ArrayList<>(candidates.length);
            for (int candidate : candidates) {
                long[] filled = ids.clone();
                filled[raw.positions()[m]] = candidate;
                String sequence = tokenizer().decode(withoutPadding(filled), singleMask);
                String tokenStr = tokenizer().decode(new long[] {candidate});
                row.add(new FillMaskPrediction(probabilities[candidate], candidate, tokenStr, sequence));
            }
            result.add(row);
        }
        return result;
    }

    private int[] maskPositions(Encoding encoding) {
        long[] ids = encoding.inputIds();
        long[] mask = encoding.attentionMask();
        int count = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == maskTokenId && mask[i] == 1) {
                count++;
            }
        }
        int[] positions = new int[count];
        int next = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == maskTokenId && mask[i] == 1) {
                positions[next++] = i;
            }
        }
        return positions;
    }

    /** Drops pad token ids, as HuggingFace does before decoding a completed sequence. */
    private long[] withoutPadding(long[] ids) {
        OptionalLong pad = tokenizer().padTokenId();
        if (pad.isEmpty()) {
            return ids;
        }
        return Arrays.stream(ids).filter(id -> id != pad.getAsLong()).toArray();
    }

    /** Indexes of the {@code k} highest values, highest first; ties keep the lower index first. */
    static int[] topIndices(float[] values, int k) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(values[b], values[a]));
        int count = Math.min(k, values.length);
        int[] top = new int[count];
        for (int i = 0; i < count; i++) {
            top[i] = order[i];
        }
        return top;
    }

    private static int[] topTargets(float[] probabilities, long[] targets, int k) {
        float[] targetProbabilities = new float[targets.length];
        for (int i = 0; i < targets.length; i++) {
            targetProbabilities[i] = probabilities[(int) targets[i]];
        }
        int[] top = topIndices(targetProbabilities, k);
        int[] ids = new int[top.length];
        for (int i = 0; i < top.length; i++) {
            ids[i] = (int) targets[top[i]];
        }
        return ids;
    }

    /** Builds the pipeline with {@code AutoModelForMaskedLM}. */
    public static final class Factory implements PipelineFactory {

        @Override
        public String task() {
            return TASK;
        }

        @Override
        public Pipeline<?, ?, ?> create(Path directory, PipelineOptions options) throws IOException {
            PreTrainedModel<?> model = AutoModelForMaskedLM.fromPretrained(directory, options.load());
            try {
                PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(directory);
                try {
                    return new FillMaskPipeline(model, tokenizer);
                } catch (RuntimeException e) {
                    tokenizer.close();
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                model.close();
                throw e;
            }
        }
    }
}
