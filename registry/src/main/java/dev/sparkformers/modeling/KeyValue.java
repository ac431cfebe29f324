package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * One layer's cached attention keys and values, each {@code [batch, heads, pastSeq, headDim]}.
 *
 * <p>It iterates over its two arrays, so that a model output holding a list of them hands both
 * to {@link ModelOutput#arrays()}, which keeps them alive past the forward pass and closes them
 * with the output.
 *
 * @param key cached keys
 * @param value cached values
 */
public record KeyValue(NDArray key, NDArray value) implements Iterable<NDArray> {

    public KeyValue {
        Objects.requireNonNull(key, "key is null");
        Objects.requireNonNull(value, "value is null");
    }

    /** Number of cached positions: the size of dimension 2 of {@code key}. */
    public long length() {
        return key.getShape().get(2);
    }

    @Override
    public Iterator<NDArray> iterator() {
        return List.of(key, value).iterator();
    }
}
