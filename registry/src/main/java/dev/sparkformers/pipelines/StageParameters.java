package dev.sparkformers.pipelines;

import java.util.Map;

/**
 * A pipeline call's parameters, split once into the three stages that use them, as HuggingFace's
 * {@code _sanitize_parameters} returns them.
 *
 * @param preprocess parameters of tokenization, such as {@code max_length}
 * @param forward parameters of the model call
 * @param postprocess parameters of result formatting, such as {@code top_k}
 */
public record StageParameters(Map<String, Object> preprocess, Map<String, Object> forward,
        Map<String, Object> postprocess) {

    public StageParameters {
        preprocess = Map.copyOf(preprocess);
        forward = Map.copyOf(forward);
        postprocess = Map.copyOf(postprocess);
    }

    /** No parameters for any stage. */
    public static StageParameters none() {
        return new StageParameters(Map.of(), Map.of(), Map.of());
    }
}
