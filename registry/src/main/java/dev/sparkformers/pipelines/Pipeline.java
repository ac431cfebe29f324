package dev.sparkformers.pipelines;

import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.tokenization.Encoding;
import dev.sparkformers.tokenization.PreTrainedTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model and its tokenizer run on data in HuggingFace's three stages: {@link #preprocess} turns
 * one input into an encoding, {@link #forward} runs the model on a batch of encodings, and
 * {@link #postprocess} formats one row's raw result. Call parameters are split once into the
 * stages' parameters by {@link #sanitizeParameters}.
 *
 * <p>{@link PipelineRunner} drives the stages with token-budget batching and per-row errors; the
 * Spark jobs use the same runner, so a pipeline behaves the same locally and on a cluster. A
 * pipeline is safe to share between threads when its model and tokenizer are.
 *
 * @param <I> input type, for example {@code String}
 * @param <R> raw per-row result of the forward stage, holding no native arrays
 * @param <O> output type
 */
public abstract class Pipeline<I, R, O> implements AutoCloseable {

    private final PreTrainedModel<?> model;
    private final PreTrainedTokenizer tokenizer;

    protected Pipeline(PreTrainedModel<?> model, PreTrainedTokenizer tokenizer) {
        this.model = Objects.requireNonNull(model, "model is null");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer is null");
    }

    /** The task name this pipeline is registered under, for example {@code sentence-embedding}. */
    public abstract String task();

    /**
     * Splits call parameters into the stages' parameters.
     *
     * @throws IllegalArgumentException for a parameter this pipeline does not know, listing the known ones
     */
    public abstract StageParameters sanitizeParameters(Map<String, ?> parameters);

    /**
     * Encodes one input.
     *
     * @throws IllegalArgumentException for an input that cannot be encoded; the runner reports it on that row
     */
    public abstract Encoding preprocess(I input, Map<String, Object> parameters);

    /** Runs the model on encodings of one batch and returns one raw result per encoding, in order. */
    public abstract List<R> forward(List<Encoding> batch, Map<String, Object> parameters);

    /**
     * Runs the model on one batch with the rows' original inputs, which some tasks need (a
     * generation prompt carries its own seed). {@link PipelineRunner} calls this method; by default
     * it ignores {@code inputs}.
     */
    public List<R> forward(List<Encoding> batch, List<I> inputs, Map<String, Object> parameters) {
        return forward(batch, parameters);
    }

    /** Formats one row's raw result. */
    public abstract O postprocess(R raw, Encoding input, Map<String, Object> parameters);

    /**
     * Formats one row's raw result with the row's original input, which some tasks need (text
     * generation returns the prompt text in front of the new text). {@link PipelineRunner} calls
     * this method; by default it ignores {@code input}.
     */
    public O postprocess(R raw, I input, Encoding encoding, Map<String, Object> parameters) {
        return postprocess(raw, encoding, parameters);
    }

    /**
     * Runs the pipeline on {@code inputs} in batches of at most {@code batchTokens} padded tokens,
     * returning outputs in input order.
     *
     * @throws PipelineException if any row fails, naming the first failed row and its reason
     */
    public List<O> call(List<I> inputs, Map<String, ?> parameters, int batchTokens) {
        List<RowResult<O>> results = new PipelineRunner<>(this, new TokenBudgetBatcher(batchTokens, 256))
                .run(inputs, sanitizeParameters(parameters));
        List<O> outputs = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            RowResult<O> result = results.get(i);
            if (!result.succeeded()) {
                throw new PipelineException("Input " + i + " failed: " + result.error());
            }
            outputs.add(result.value());
        }
        return outputs;
    }

    /** Runs the pipeline with a budget of 2048 padded tokens per batch, the jobs' default. */
    public List<O> call(List<I> inputs, Map<String, ?> parameters) {
        return call(inputs, parameters, 2048);
    }

    /** Runs the pipeline on one input. */
    public O call(I input) {
        return call(List.of(input), Map.of()).get(0);
    }

    public PreTrainedModel<?> model() {
        return model;
    }

    public PreTrainedTokenizer tokenizer() {
        return tokenizer;
    }

    /** Closes the model and the tokenizer. */
    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }

    /** Fails unless every key of {@code parameters} is in {@code known}. */
    protected static void requireKnown(Map<String, ?> parameters, List<String> known, String task) {
        for (String key : parameters.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("Unknown parameter '" + key + "' for the " + task + " pipeline; "
                        + "known parameters: " + known);
            }
        }
    }

    /** Reads an integer parameter that may be given as a number or a string. */
    protected static Integer intParameter(Map<String, ?> parameters, String key) {
        Object value = parameters.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Number number) {
            return number.intValue();
        }
        try {
            return Integer.valueOf(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Parameter '" + key + "' must be an integer, but is '" + value + "'", e);
        }
    }

    /** Reads a floating-point parameter that may be given as a number or a string. */
    protected static Double doubleParameter(Map<String, ?> parameters, String key) {
        Object value = parameters.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        try {
            return Double.valueOf(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Parameter '" + key + "' must be a number, but is '" + value + "'", e);
        }
    }

    /** Reads a long parameter that may be given as a number or a string. */
    protected static Long longParameter(Map<String, ?> parameters, String key) {
        Object value = parameters.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Number number) {
            return number.longValue();
        }
        try {
            return Long.valueOf(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Parameter '" + key + "' must be an integer, but is '" + value + "'", e);
        }
    }

    /** Reads a boolean parameter that may be given as a Boolean or a string. */
    protected static Boolean booleanParameter(Map<String, ?> parameters, String key) {
        Object value = parameters.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Boolean bool) {
            return bool;
        }
        String text = value.toString().trim();
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("Parameter '" + key + "' must be true or false, but is '" + value + "'");
        }
        return Boolean.parseBoolean(text);
    }
}
