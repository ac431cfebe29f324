package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import dev.sparkformers.nn.Parameter;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Fills weights a checkpoint does not provide, as HuggingFace's {@code _init_weights} does, but
 * seeded by the parameter's name: every JVM that loads the same checkpoint with the same seed
 * builds identical weights, which keeps Spark executors consistent with each other.
 */
final class WeightInitializer {

    private WeightInitializer() {}

    static NDArray initialize(NDManager manager, String name, Parameter parameter, double std, long seed) {
        int count = Math.toIntExact(parameter.shape().size());
        float[] values = new float[count];
        switch (parameter.init()) {
            case ZEROS -> Arrays.fill(values, 0f);
            case ONES -> Arrays.fill(values, 1f);
            case NORMAL -> {
                SplittableRandom random = new SplittableRandom(seed * 31 + name.hashCode());
                for (int i = 0; i < count; i++) {
                    values[i] = (float) (random.nextGaussian() * std);
                }
            }
        }
        NDArray array = manager.create(values, parameter.shape());
        NDScope.unregister(array);
        array.setName(name);
        return array;
    }
}
