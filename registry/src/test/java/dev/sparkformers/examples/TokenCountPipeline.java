package dev.sparkformers.examples;

import dev.sparkformers.auto.AutoModel;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.pipelines.Pipeline;
import dev.sparkformers.pipelines.PipelineFactory;
import dev.sparkformers.pipelines.PipelineOptions;
import dev.sparkformers.pipelines.StageParameters;
import dev.sparkformers.tokenization.AutoTokenizer;
import dev.sparkformers.tokenization.Encoding;
import dev.sparkformers.tokenization.PreTrainedTokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A user's own task, {@code token-count}: the number of tokens of each text. It shows the
 * smallest pipeline and its factory; the factory is listed in the test resources'
 * {@code META-INF/services/dev.sparkformers.pipelines.PipelineFactory}, so {@code Pipelines}
 * finds it without a register call.
 */
public final class TokenCountPipeline extends Pipeline<String, Integer, Integer> {

    /** Task name. */
    public static final String TASK = "token-count";

    TokenCountPipeline(PreTrainedModel<?> model, PreTrainedTokenizer tokenizer) {
        super(model, tokenizer);
    }

    @Override
    public String task() {
        return TASK;
    }

    @Override
    public StageParameters sanitizeParameters(Map<String, ?> parameters) {
        requireKnown(parameters, List.of(), TASK);
        return StageParameters.none();
    }

    @Override
    public Encoding preprocess(String input, Map<String, Object> parameters) {
        return tokenizer().encode(input);
    }

    @Override
    public List<Integer> forward(List<Encoding> batch, Map<String, Object> parameters) {
        List<Integer> counts = new ArrayList<>(batch.size());
        batch.forEach(encoding -> counts.add(encoding.length()));
        return counts;
    }

    @Override
    public Integer postprocess(Integer raw, Encoding input, Map<String, Object> parameters) {
        return raw;
    }

    /** Loads the model with {@code AutoModel} and the checkpoint's tokenizer. */
    public static final class Factory implements PipelineFactory {

        @Override
        public String task() {
            return TASK;
        }

        @Override
        public Pipeline<?, ?, ?> create(Path directory, PipelineOptions options) throws IOException {
            PreTrainedModel<?> model = AutoModel.fromPretrained(directory, options.load());
            return new TokenCountPipeline(model, AutoTokenizer.fromPretrained(directory));
        }
    }
}
