package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;

/**
 * One layer's cached attention keys and values, each {@code [batch, heads, pastSeq, headDim]}.
 *
 * @param key cached keys
 * @param value cached values
 */
public record KeyValue(NDArray key, NDArray value) {}
