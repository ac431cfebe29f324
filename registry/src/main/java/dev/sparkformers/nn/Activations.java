package dev.sparkformers.nn;

import ai.djl.ndarray.NDArray;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Activation functions by the names HuggingFace uses in configs ({@code hidden_act},
 * {@code activation_function}), with the same formulas as its {@code ACT2FN} table.
 *
 * <p>Intermediate arrays are left to the caller's {@link Scopes} scope, as in every forward step.
 */
public final class Activations {

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private static final Map<String, UnaryOperator<NDArray>> BY_NAME = new TreeMap<>();

    static {
        // Exact GELU, x * Phi(x), computed with erf.
        BY_NAME.put("gelu", Activations::gelu);
        BY_NAME.put("gelu_python", Activations::gelu);
        // The tanh approximation used by GPT-2 and BERT's original TensorFlow code.
        BY_NAME.put("gelu_new", Activations::geluTanh);
        BY_NAME.put("gelu_pytorch_tanh", Activations::geluTanh);
        BY_NAME.put("gelu_accurate", Activations::geluTanh);
        BY_NAME.put("gelu_fast", Activations::geluFast);
        BY_NAME.put("quick_gelu", x -> x.mul(x.mul(1.702f).getNDArrayInternal().sigmoid()));
        BY_NAME.put("relu", x -> x.getNDArrayInternal().relu());
        BY_NAME.put("relu6", x -> x.clip(0f, 6f));
        BY_NAME.put("leaky_relu", x -> x.getNDArrayInternal().leakyRelu(0.01f));
        BY_NAME.put("silu", Activations::silu);
        BY_NAME.put("swish", Activations::silu);
        BY_NAME.put("sigmoid", x -> x.getNDArrayInternal().sigmoid());
        BY_NAME.put("tanh", NDArray::tanh);
        BY_NAME.put("mish", x -> x.mul(x.getNDArrayInternal().softPlus().tanh()));
        BY_NAME.put("linear", NDArray::duplicate);
    }

    private Activations() {}

    /**
     * Returns the activation named {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static UnaryOperator<NDArray> get(String name) {
        UnaryOperator<NDArray> activation = BY_NAME.get(name);
        if (activation == null) {
            throw new IllegalArgumentException("Unknown activation '" + name + "'; supported: " + BY_NAME.keySet());
        }
        return activation;
    }

    /** Returns whether {@link #get} accepts {@code name}. */
    public static boolean isSupported(String name) {
        return BY_NAME.containsKey(name);
    }

    /** Names {@link #get} accepts. */
    public static java.util.Set<String> names() {
        return java.util.Collections.unmodifiableSet(BY_NAME.keySet());
    }

    /** Exact GELU: {@code 0.5 x (1 + erf(x / sqrt 2))}, PyTorch's {@code gelu(approximate='none')}. */
    public static NDArray gelu(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }

    /** Tanh GELU: {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, HuggingFace's {@code NewGELUActivation}. */
    public static NDArray geluTanh(NDArray x) {
        NDArray inner = x.add(x.pow(3f).mul(0.044715f)).mul((float) SQRT_2_OVER_PI);
        return x.mul(0.5f).mul(inner.tanh().add(1f));
    }

    /** HuggingFace's {@code FastGELUActivation}: {@code 0.5 x (1 + tanh(x * 0.7978845608 (1 + 0.044715 x^2)))}. */
    public static NDArray geluFast(NDArray x) {
        NDArray inner = x.mul(0.7978845608f).mul(x.mul(0.044715f).mul(x).add(1f));
        return x.mul(0.5f).mul(inner.tanh().add(1f));
    }

    /** SiLU, also called swish: {@code x * sigmoid(x)}. */
    public static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }
}
