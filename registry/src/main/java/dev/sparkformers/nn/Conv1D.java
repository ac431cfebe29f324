package dev.sparkformers.nn;

import ai.djl.ndarray.NDArray;

/**
 * HuggingFace's {@code Conv1D}: a fully connected layer whose weight is stored transposed,
 * {@code y = x W + b}, as in the original GPT-2 checkpoints.
 *
 * <p>Input {@code [..., inFeatures]}, output {@code [..., outFeatures]}; {@code weight} is
 * {@code [inFeatures, outFeatures]} (the transpose of {@link Linear}'s) and {@code bias}
 * {@code [outFeatures]}.
 */
public class Conv1D extends Module {

    private final Parameter weight;
    private final Parameter bias;

    /**
     * @param outFeatures width of the output, HuggingFace's {@code nf}
     * @param inFeatures width of the input, HuggingFace's {@code nx}
     */
    public Conv1D(long outFeatures, long inFeatures) {
        this.weight = registerParameter("weight", Init.NORMAL, inFeatures, outFeatures);
        this.bias = registerParameter("bias", Init.ZEROS, outFeatures);
    }

    public NDArray forward(NDArray input) {
        return input.matMul(weight.array()).add(bias.array()); // (..., out)
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }
}
