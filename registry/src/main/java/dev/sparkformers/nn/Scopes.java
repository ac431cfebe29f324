package dev.sparkformers.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a step of a forward pass so that every intermediate array it creates is closed when it
 * returns, except the arrays it hands back.
 *
 * <p>Native memory of DJL arrays is freed only by {@code close()}, not by the garbage collector.
 * Wrapping each layer in a scope keeps peak memory at about one layer's activations and makes a
 * forward pass release everything but its outputs. Kept arrays are registered with the enclosing
 * scope, if any, so that they are released there when unused.
 */
public final class Scopes {

    private Scopes() {}

    /** Runs {@code step} and keeps only the array it returns. */
    public static NDArray keep(Supplier<NDArray> step) {
        return keep(step, NDList::new);
    }

    /**
     * Runs {@code step} and keeps the arrays that {@code kept} lists for its result.
     *
     * @param kept the arrays of the result that outlive the scope; may include nulls
     */
    public static <T> T keep(Supplier<T> step, Function<T, NDList> kept) {
        T result;
        NDList survivors;
        try (NDScope scope = new NDScope()) {
            result = step.get();
            survivors = kept.apply(result);
            for (NDArray array : survivors) {
                if (array != null) {
                    NDScope.unregister(array);
                }
            }
        }
        for (NDArray array : survivors) {
            if (array != null) {
                NDScope.register(array);
            }
        }
        return result;
    }
}
