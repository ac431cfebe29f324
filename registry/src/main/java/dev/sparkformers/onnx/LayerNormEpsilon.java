package dev.sparkformers.onnx;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code layer_norm_eps} from the LayerNorms of an exported graph.
 *
 * <p>A {@code LayerNormalization} node carries the epsilon as an attribute. Older opsets decompose
 * LayerNorm into {@code (x - mean) / Sqrt(var + eps) * weight + bias}, so the epsilon is the scalar
 * constant added under the {@code Sqrt} that precedes the node applying the weight.
 *
 * <p>The constant is stored as float32, so 1e-12 appears as 9.99999996e-13. The config gets the
 * shortest decimal that rounds to the same float32 value, which is the number written in the
 * original config (1e-12, 1e-5, 1e-6) rather than its float32 approximation.
 */
final class LayerNormEpsilon {

    /** ONNX's default {@code epsilon} for {@code LayerNormalization}. */
    private static final float ONNX_DEFAULT_EPSILON = 1e-5f;

    /** Maximum number of nodes searched backwards from the weight for the {@code Sqrt}; exports reach it in four. */
    private static final int MAX_VISITED_NODES = 16;

    private LayerNormEpsilon() {}

    /**
     * Returns the epsilon shared by every LayerNorm whose weight is in {@code weightNames}.
     *
     * @param weightNames initializer names of the LayerNorm weights, for example
     *     {@code embeddings.LayerNorm.weight}
     * @throws InvalidOnnxException if a LayerNorm's epsilon cannot be found or two LayerNorms differ
     */
    static double infer(GraphIndex index, String source, List<String> weightNames) throws InvalidOnnxException {
        Double epsilon = null;
        String first = null;
        for (String weight : weightNames) {
            double value = epsilonOf(index, source, weight);
            if (epsilon == null) {
                epsilon = value;
                first = weight;
            } else if (value != epsilon) {
                throw new InvalidOnnxException(source, "LayerNorm '" + weight + "' has epsilon " + value + ", but '"
                        + first + "' has " + epsilon + "; BERT uses one layer_norm_eps");
            }
        }
        if (epsilon == null) {
            throw new InvalidOnnxException(source, "graph has no LayerNorm weights");
        }
        return epsilon;
    }

    /**
     * Returns the shortest decimal, as a double, that rounds to the same float32 as {@code value}:
     * {@code 9.99999996e-13f} becomes {@code 1e-12}.
     */
    static double shortestFloat32Decimal(float value) {
        if (value == 0 || !Float.isFinite(value)) {
            return value;
        }
        BigDecimal exact = new BigDecimal(value);
        // Nine significant digits always identify a float32, so the loop ends by then.
        for (int digits = 1; digits < 9; digits++) {
            BigDecimal rounded = exact.round(new MathContext(digits));
            if (rounded.floatValue() == value) {
                return rounded.doubleValue();
            }
        }
        return exact.round(new MathContext(9)).doubleValue();
    }

    private static double epsilonOf(GraphIndex index, String source, String weight) throws InvalidOnnxException {
        String module = weight.endsWith(".weight") ? weight.substring(0, weight.length() - ".weight".length()) : weight;
        for (OnnxNode consumer : index.consumers(weight)) {
            if (consumer.opType().equals("LayerNormalization")) {
                float epsilon = consumer.attribute("epsilon").map(OnnxAttribute::floatValue).orElse(ONNX_DEFAULT_EPSILON);
                return shortestFloat32Decimal(epsilon);
            }
            Optional<Double> decomposed = decomposedEpsilon(index, consumer);
            if (decomposed.isPresent()) {
                return decomposed.get();
            }
        }
        throw new InvalidOnnxException(source, "cannot find the epsilon of LayerNorm '" + module + "': its weight"
                + " feeds neither a LayerNormalization node nor Mul((x - mean) / Sqrt(var + eps), weight)");
    }

    /** Searches backwards from the node that applies the weight for {@code Sqrt(Add(var, eps))}. */
    private static Optional<Double> decomposedEpsilon(GraphIndex index, OnnxNode weightNode) {
        Set<OnnxNode> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<OnnxNode> pending = new ArrayDeque<>();
        pending.add(weightNode);
        while (!pending.isEmpty() && visited.size() < MAX_VISITED_NODES) {
            OnnxNode node = pending.pop();
            if (!visited.add(node)) {
                continue;
            }
            if (node.opType().equals("Sqrt")) {
                return epsilonUnderSqrt(index, node);
            }
            for (String input : node.inputs()) {
                index.producer(input).ifPresent(pending::add);
            }
        }
        return Optional.empty();
    }

    private static Optional<Double> epsilonUnderSqrt(GraphIndex index, OnnxNode sqrt) {
        Optional<OnnxNode> add = index.producer(sqrt.inputs().get(0)).filter(node -> node.opType().equals("Add"));
        if (add.isEmpty()) {
            return Optional.empty();
        }
        for (String input : add.get().inputs()) {
            Optional<OnnxTensor> constant = index.constant(input).filter(tensor -> tensor.elementCount() == 1);
            if (constant.isPresent() && constant.get().dataType() == OnnxDataType.FLOAT) {
                return Optional.of(shortestFloat32Decimal((float) constant.get().toDoubleArray()[0]));
            }
            if (constant.isPresent() && constant.get().dataType() == OnnxDataType.DOUBLE) {
                return Optional.of(constant.get().toDoubleArray()[0]);
            }
        }
        return Optional.empty();
    }
}
