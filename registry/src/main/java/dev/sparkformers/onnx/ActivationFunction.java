package dev.sparkformers.onnx;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.TreeSet;

/**
 * Recognises the feed-forward activation of an exported BERT layer and returns its
 * {@code hidden_act} name in {@code transformers}.
 *
 * <p>The activation sits between the intermediate projection and the output projection. Exports
 * decompose it into primitive ops, so the ops in that span identify it: {@code Erf} is the exact
 * GELU ({@code gelu}), {@code Tanh} the tanh approximation ({@code gelu_new}), {@code Relu} is
 * {@code relu}. Opset 20's {@code Gelu} op is read by its {@code approximate} attribute.
 */
final class ActivationFunction {

    /** Maximum number of nodes between the two projections; the exact GELU has five, the tanh form eight. */
    private static final int MAX_VISITED_NODES = 64;

    private ActivationFunction() {}

    /**
     * Returns the {@code hidden_act} of the span from {@code intermediateOutput} to the next
     * {@code MatMul} or {@code Gemm}.
     *
     * @param layerName the layer's module path, for messages
     * @throws InvalidOnnxException if the ops match no known activation
     */
    static String infer(GraphIndex index, String source, String layerName, String intermediateOutput)
            throws InvalidOnnxException {
        Set<OnnxNode> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<String> opTypes = new TreeSet<>();
        String geluApproximation = null;
        Deque<String> pending = new ArrayDeque<>();
        pending.add(intermediateOutput);

        while (!pending.isEmpty()) {
            String value = pending.pop();
            for (OnnxNode node : index.consumers(value)) {
                if (node.opType().equals("MatMul") || node.opType().equals("Gemm") || !visited.add(node)) {
                    continue;
                }
                if (visited.size() > MAX_VISITED_NODES) {
                    throw new InvalidOnnxException(source, layerName + " has more than " + MAX_VISITED_NODES
                            + " nodes between its intermediate and output projections; it is not a BERT feed-forward"
                            + " block");
                }
                opTypes.add(node.opType());
                if (node.opType().equals("Gelu")) {
                    geluApproximation = node.attribute("approximate").map(OnnxAttribute::stringValue).orElse("none");
                }
                pending.addAll(node.outputs());
            }
        }

        if (geluApproximation != null) {
            return geluApproximation.equals("tanh") ? "gelu_new" : "gelu";
        }
        if (opTypes.contains("Erf")) {
            return "gelu";
        }
        if (opTypes.contains("Tanh")) {
            return "gelu_new";
        }
        if (opTypes.contains("Relu")) {
            return "relu";
        }
        throw new InvalidOnnxException(source, layerName + " applies ops " + opTypes + " between its intermediate"
                + " and output projections, which match no supported activation: Erf-based GELU (gelu), tanh-based"
                + " GELU (gelu_new) or Relu (relu)");
    }
}
