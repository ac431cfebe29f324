package dev.sparkformers.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/**
 * The body of {@link CausalLanguageModel#generate}, after HuggingFace transformers 4.43's
 * {@code GenerationMixin.generate}: it resolves the special tokens, the attention mask and the
 * lengths, builds the logits processors in HuggingFace's order, runs the decoding strategy and
 * turns its result into arrays.
 */
final class Generation {

    private static final Logger LOG = LoggerFactory.getLogger(Generation.class);

    private Generation() {}

    static GenerateOutput generate(CausalLanguageModel model, NDArray inputIds, NDArray attentionMask,
            GenerationConfig requested, RandomGenerator random) {
        return generate(model, inputIds, attentionMask, requested, prompt -> random);
    }

    /**
     * Generates with a separate source of draws per prompt, so that a prompt's samples do not
     * depend on the other prompts of its batch.
     *
     * @param randomForPrompt the source of draws of each prompt (row of {@code inputIds})
     */
    static GenerateOutput generate(CausalLanguageModel model, NDArray inputIds, NDArray attentionMask,
            GenerationConfig requested, IntFunction<RandomGenerator> randomForPrompt) {
        Objects.requireNonNull(inputIds, "inputIds is null");
        Objects.requireNonNull(requested, "generation settings are null");
        GenerationConfig settings = requested.copy();
        settings.validate();

        long[][] sequences = rows("input_ids", inputIds);
        List<Integer> eosTokenIds = settings.eosTokenIds();
        Integer padTokenId = padTokenId(settings, eosTokenIds);
        long[][] mask = attentionMask != null ? rows("attention_mask", attentionMask)
                : inferAttentionMask(sequences, padTokenId, eosTokenIds);
        if (mask.length != sequences.length || mask[0].length != sequences[0].length) {
            throw new IllegalArgumentException("attention_mask has shape " + attentionMask.getShape()
                    + " but input_ids has shape " + inputIds.getShape() + "; they must match");
        }
        warnAboutRightPadding(sequences, padTokenId);

        int promptLength = sequences[0].length;
        int maxLength = settings.maxNewTokens() != null ? settings.maxNewTokens() + promptLength : settings.maxLength();
        int minLength = settings.minNewTokens() != null ? settings.minNewTokens() + promptLength : settings.minLength();
        if (promptLength >= maxLength) {
            LOG.warn("Input length of input_ids is {}, but `max_length` is set to {}. This can lead to unexpected "
                    + "behavior. You should consider increasing `max_length` or, better yet, setting "
                    + "`max_new_tokens`.", promptLength, maxLength);
        }

        LogitsProcessorList processors = logitsProcessors(settings, promptLength, minLength, eosTokenIds);
        LogitsProcessorList warpers = settings.doSample() ? logitsWarpers(settings, eosTokenIds) : null;
        List<StoppingCriteria> criteria = new ArrayList<>();
        criteria.add(new MaxLengthCriteria(maxLength));
        if (!eosTokenIds.isEmpty()) {
            criteria.add(new EosTokenCriteria(eosTokenIds));
        }
        boolean keepScores = settings.returnDictInGenerate() && settings.outputScores();
        boolean keepLogits = settings.returnDictInGenerate() && settings.outputLogits();

        SearchResult result;
        try (ModelStepper stepper = new ModelStepper(model, inputIds.getManager(), settings.useCache())) {
            GenerationMode mode = settings.generationMode();
            if (mode == GenerationMode.GREEDY_SEARCH || mode == GenerationMode.SAMPLE) {
                int copies = settings.numReturnSequences();
                result = SampleSearch.run(stepper, DecodingState.repeatInterleave(sequences, copies),
                        DecodingState.repeatInterleave(mask, copies), processors, warpers, criteria, eosTokenIds,
                        padTokenId, row -> randomForPrompt.apply(row / copies), keepScores, keepLogits);
            } else {
                int beams = settings.numBeams();
                BeamSearchScorer scorer = new BeamSearchScorer(sequences.length, beams, settings.lengthPenalty(),
                        settings.earlyStopping(), settings.numReturnSequences(), maxLength);
                result = BeamSearch.run(stepper, DecodingState.repeatInterleave(sequences, beams),
                        DecodingState.repeatInterleave(mask, beams), beams, scorer, maxLength, processors, warpers,
                        criteria, eosTokenIds, padTokenId, randomForPrompt, keepScores, keepLogits);
            }
        }
        return toOutput(result, inputIds.getManager(), settings.returnDictInGenerate());
    }

    /**
     * Returns the pad token id, falling back to the first end-of-sequence token as HuggingFace does
     * for open-ended generation.
     */
    private static Integer padTokenId(GenerationConfig settings, List<Integer> eosTokenIds) {
        if (settings.padTokenId().isPresent()) {
            return settings.padTokenId().getAsInt();
        }
        if (eosTokenIds.isEmpty()) {
            return null;
        }
        LOG.warn("Setting `pad_token_id` to `eos_token_id`:{} for open-end generation.", eosTokenIds.get(0));
        return eosTokenIds.get(0);
    }

    /**
     * Returns HuggingFace's default mask: 0 on {@code pad_token_id} when the prompts contain it and it
     * is not an end-of-sequence token, and otherwise all ones.
     */
    private static long[][] inferAttentionMask(long[][] sequences, Integer padTokenId, List<Integer> eosTokenIds) {
        boolean padInInputs = false;
        for (long[] row : sequences) {
            for (long id : row) {
                padInInputs |= padTokenId != null && id == padTokenId;
            }
        }
        boolean canInfer = padInInputs && !eosTokenIds.contains(padTokenId);
        if (padInInputs && !canInfer) {
            LOG.warn("The attention mask is not set and cannot be inferred from input because pad token is same "
                    + "as eos token. Pass an attention mask to obtain reliable results.");
        }
        long[][] mask = new long[sequences.length][];
        for (int row = 0; row < sequences.length; row++) {
            mask[row] = new long[sequences[row].length];
            for (int column = 0; column < mask[row].length; column++) {
                mask[row][column] = canInfer && sequences[row][column] == padTokenId ? 0 : 1;
            }
        }
        return mask;
    }

    private static void warnAboutRightPadding(long[][] sequences, Integer padTokenId) {
        if (padTokenId == null || sequences.length < 2) {
            return;
        }
        for (long[] row : sequences) {
            if (row[row.length - 1] == padTokenId) {
                LOG.warn("A decoder-only architecture is being used, but right-padding was detected! For correct "
                        + "generation results, please set `padding_side='left'` when initializing the tokenizer.");
                return;
            }
        }
    }

    /**
     * Builds the processors in the order of HuggingFace's {@code _get_logits_processor}: repetition
     * penalty, no-repeat n-grams, minimum length, minimum new tokens, invalid-value removal, and
     * log-softmax renormalisation last.
     */
    static LogitsProcessorList logitsProcessors(GenerationConfig settings, int promptLength, int minLength,
            List<Integer> eosTokenIds) {
        LogitsProcessorList processors = new LogitsProcessorList();
        if (settings.repetitionPenalty() != null && settings.repetitionPenalty() != 1.0) {
            processors.add(new RepetitionPenaltyLogitsProcessor(settings.repetitionPenalty()));
        }
        if (settings.noRepeatNgramSize() != null && settings.noRepeatNgramSize() > 0) {
            processors.add(new NoRepeatNGramLogitsProcessor(settings.noRepeatNgramSize()));
        }
        if (minLength > 0 && !eosTokenIds.isEmpty()) {
            processors.add(new MinLengthLogitsProcessor(minLength, eosTokenIds));
        }
        if (settings.minNewTokens() != null && settings.minNewTokens() > 0 && !eosTokenIds.isEmpty()) {
            processors.add(new MinNewTokensLengthLogitsProcessor(promptLength, settings.minNewTokens(), eosTokenIds));
        }
        if (settings.removeInvalidValues()) {
            processors.add(new InfNanRemoveLogitsProcessor());
        }
        if (settings.renormalizeLogits()) {
            processors.add(new LogitNormalization());
        }
        return processors;
    }

    /**
     * Builds the sampling filters in the order of HuggingFace's {@code _get_logits_warper}:
     * temperature, top-k, top-p, and log-softmax renormalisation last. Beam sampling keeps at least
     * one token more than there are end-of-sequence tokens.
     */
    static LogitsProcessorList logitsWarpers(GenerationConfig settings, List<Integer> eosTokenIds) {
        int minTokensToKeep = settings.numBeams() > 1 ? Math.max(2, eosTokenIds.size() + 1) : 1;
        LogitsProcessorList warpers = new LogitsProcessorList();
        if (settings.temperature() != null && settings.temperature() != 1.0) {
            warpers.add(new TemperatureLogitsWarper(settings.temperature()));
        }
        if (settings.topK() != null && settings.topK() != 0) {
            warpers.add(new TopKLogitsWarper(settings.topK(), minTokensToKeep));
        }
        if (settings.topP() != null && settings.topP() < 1.0) {
            warpers.add(new TopPLogitsWarper(settings.topP(), minTokensToKeep));
        }
        if (settings.renormalizeLogits()) {
            warpers.add(new LogitNormalization());
        }
        return warpers;
    }

    /** Reads a 2-D integer array into rows. */
    private static long[][] rows(String name, NDArray array) {
        Shape shape = array.getShape();
        if (shape.dimension() != 2 || shape.get(0) == 0 || shape.get(1) == 0) {
            throw new IllegalArgumentException(name + " must be a non-empty [batch, length] array, but has shape "
                    + shape);
        }
        if (array.getDataType() != DataType.INT64 && array.getDataType() != DataType.INT32) {
            throw new IllegalArgumentException(name + " must hold int64 values, but has data type "
                    + array.getDataType());
        }
        long[] flat;
        if (array.getDataType() == DataType.INT64) {
            flat = array.toLongArray();
        } else {
            try (NDArray converted = array.toType(DataType.INT64, true)) {
                flat = converted.toLongArray();
            }
        }
        int rows = Math.toIntExact(shape.get(0));
        int columns = Math.toIntExact(shape.get(1));
        long[][] result = new long[rows][];
        for (int row = 0; row < rows; row++) {
            result[row] = java.util.Arrays.copyOfRange(flat, row * columns, (row + 1) * columns);
        }
        return result;
    }

    private static GenerateOutput toOutput(SearchResult result, NDManager manager, boolean returnDict) {
        NDArray sequences = longArray(manager, result.sequences());
        if (!returnDict) {
            return new GenerateOutput(sequences, null, null, null, null);
        }
        NDArray sequencesScores = result.sequencesScores() == null ? null : manager.create(result.sequencesScores());
        NDArray beamIndices = result.beamIndices() == null ? null : longArray(manager, result.beamIndices());
        return new GenerateOutput(sequences, sequencesScores, floatArrays(manager, result.scores()),
                floatArrays(manager, result.logits()), beamIndices);
    }

    private static NDArray longArray(NDManager manager, long[][] rows) {
        int width = rows[0].length;
        long[] flat = new long[rows.length * width];
        for (int row = 0; row < rows.length; row++) {
            System.arraycopy(rows[row], 0, flat, row * width, width);
        }
        return manager.create(flat, new Shape(rows.length, width));
    }

    private static List<NDArray> floatArrays(NDManager manager, List<float[][]> steps) {
        if (steps == null) {
            return null;
        }
        List<NDArray> arrays = new ArrayList<>(steps.size());
        for (float[][] step : steps) {
            int width = step[0].length;
            float[] flat = new float[step.length * width];
            for (int row = 0; row < step.length; row++) {
                System.arraycopy(step[row], 0, flat, row * width, width);
            }
            arrays.add(manager.create(flat, new Shape(step.length, width)));
        }
        return List.copyOf(arrays);
    }
}
