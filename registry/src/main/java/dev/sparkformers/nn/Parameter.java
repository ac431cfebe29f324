package dev.sparkformers.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.Objects;

/**
 * A named weight of a {@link Module}: its expected shape, how to initialise it when a checkpoint
 * lacks it, and, once loaded, its array.
 *
 * <p>Two modules share a weight (HuggingFace's tied weights, such as an MLM decoder and the word
 * embeddings) by holding the same {@code Parameter} instance; loading either name fills both.
 */
public final class Parameter {

    private final Shape shape;
    private final Init init;
    private NDArray array;

    public Parameter(Shape shape, Init init) {
        this.shape = Objects.requireNonNull(shape, "shape is null");
        this.init = Objects.requireNonNull(init, "init is null");
        for (long dim : shape.getShape()) {
            if (dim < 0) {
                throw new IllegalArgumentException("Parameter shape " + shape + " has a negative dimension");
            }
        }
    }

    /** The shape the module expects. */
    public Shape shape() {
        return shape;
    }

    /** How to fill the parameter when the checkpoint does not provide it. */
    public Init init() {
        return init;
    }

    /** Whether the array has been set. */
    public boolean isInitialized() {
        return array != null;
    }

    /**
     * The loaded array.
     *
     * @throws IllegalStateException if the model has not been loaded
     */
    public NDArray array() {
        if (array == null) {
            throw new IllegalStateException("Parameter of shape " + shape + " has no value yet; load the model with "
                    + "fromPretrained or initialise it before calling forward");
        }
        return array;
    }

    /**
     * Sets the array, which must have the expected shape. The parameter takes no ownership: the
     * model that loaded it closes it.
     */
    public void set(NDArray value) {
        Objects.requireNonNull(value, "value is null");
        if (!value.getShape().equals(shape)) {
            throw new IllegalArgumentException("Parameter expects shape " + shape + " but got " + value.getShape());
        }
        this.array = value;
    }

    @Override
    public String toString() {
        return "Parameter" + shape + (array == null ? " (not loaded)" : "");
    }
}
