package dev.sparkformers.nn;

import ai.djl.ndarray.NDArray;

/**
 * A fully connected layer, PyTorch's {@code nn.Linear}: {@code y = x W^T + b}.
 *
 * <p>Input {@code [..., inFeatures]}, output {@code [..., outFeatures]}; {@code weight} is stored
 * {@code [outFeatures, inFeatures]} and {@code bias} {@code [outFeatures]}, as in HuggingFace
 * checkpoints.
 */
public class Linear extends Module {

    private Parameter weight;
    private Parameter bias;

    public Linear(long inFeatures, long outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    public Linear(long inFeatures, long outFeatures, boolean withBias) {
        this.weight = registerParameter("weight", Init.NORMAL, outFeatures, inFeatures);
        this.bias = withBias ? registerParameter("bias", Init.ZEROS, outFeatures) : null;
    }

    public NDArray forward(NDArray input) {
        return linear(input, weight.array(), bias == null ? null : bias.array());
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias parameter, or null for a layer built without one. */
    public Parameter bias() {
        return bias;
    }

    /** Shares {@code shared} as this layer's weight (HuggingFace's weight tying). */
    public void tieWeight(Parameter shared) {
        tieParameter("weight", shared);
        this.weight = shared;
    }

    /** Shares {@code shared} as this layer's bias. */
    public void tieBias(Parameter shared) {
        tieParameter("bias", shared);
        this.bias = shared;
    }

    /** The functional form: {@code input [..., in] x weight [out, in]^T + bias [out]}; bias may be null. */
    public static NDArray linear(NDArray input, NDArray weight, NDArray bias) {
        return ai.djl.nn.core.Linear.linear(input, weight, bias).singletonOrThrow();
    }
}
