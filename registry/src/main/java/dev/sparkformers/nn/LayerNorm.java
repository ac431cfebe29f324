package dev.sparkformers.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Layer normalisation over the last dimension, PyTorch's {@code nn.LayerNorm}:
 * {@code (x - mean) / sqrt(var + eps) * weight + bias}, with the biased variance.
 *
 * <p>Input and output {@code [..., size]}; {@code weight} and {@code bias} are {@code [size]}.
 */
public class LayerNorm extends Module {

    private final Parameter weight;
    private final Parameter bias;
    private final double eps;
    private final Shape normalizedShape;

    public LayerNorm(long size, double eps) {
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("LayerNorm epsilon must be a positive finite number, but is " + eps);
        }
        this.weight = registerParameter("weight", Init.ONES, size);
        this.bias = registerParameter("bias", Init.ZEROS, size);
        this.eps = eps;
        this.normalizedShape = new Shape(size);
    }

    public NDArray forward(NDArray input) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(input, normalizedShape, weight.array(), bias.array(), (float) eps)
                .singletonOrThrow();
    }

    public double eps() {
        return eps;
    }
}
