package dev.sparkformers.onnx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads the number of attention heads from an exported BERT graph and cross-checks it with the
 * attention scale.
 *
 * <p>BERT's self-attention reshapes each projection from {@code [batch, seq, hidden]} to
 * {@code [batch, seq, heads, head_dim]}. In an export the target shape is a {@code Concat} of the
 * run-time batch and sequence lengths with two constants, or a constant vector; its last two
 * entries give the head count and head size. The scores are then scaled by
 * {@code 1 / sqrt(head_dim)}, which the export stores as a constant divisor ({@code sqrt(head_dim)}),
 * a constant factor, or a factor on both query and key. The product of these constants must equal
 * {@code 1 / sqrt(head_dim)}, which confirms that the Reshape constants were read right.
 */
final class AttentionHeads {

    /** The projections whose outputs are split into heads. */
    private static final List<String> PROJECTIONS = List.of("query", "key", "value");

    /** Relative tolerance for the scale check: float32 constants carry about 1e-7 relative rounding. */
    private static final double SCALE_TOLERANCE = 1e-5;

    /** Maximum number of nodes visited between the projections and the Softmax; exports have about twenty. */
    private static final int MAX_VISITED_NODES = 256;

    private AttentionHeads() {}

    /**
     * Returns the number of attention heads, the same in every layer.
     *
     * @param prefix the prefix of the model's initializer names, usually empty
     * @throws InvalidOnnxException if a projection has no head-splitting Reshape with constant head
     *     entries, the layers disagree, or the attention scale does not match the head size
     */
    static int infer(GraphIndex index, String source, String prefix, int layers, long hiddenSize)
            throws InvalidOnnxException {
        int heads = -1;
        for (int layer = 0; layer < layers; layer++) {
            List<String> projectionOutputs = new ArrayList<>();
            for (String projection : PROJECTIONS) {
                String module = prefix + BertParameterLayout.LAYER_PREFIX + layer + ".attention.self." + projection;
                String output = projectionOutput(index, source, module);
                projectionOutputs.add(output);
                int layerHeads = headsOfReshape(index, source, module, output, hiddenSize);
                if (heads < 0) {
                    heads = layerHeads;
                } else if (layerHeads != heads) {
                    throw new InvalidOnnxException(source, module + " is split into " + layerHeads
                            + " heads, but earlier projections into " + heads + "; BERT uses one head count");
                }
            }
            checkScale(index, source, layer, projectionOutputs.subList(0, 2), hiddenSize / heads);
        }
        return heads;
    }

    /** Returns the name of {@code module}'s output: the output of the Add (or Gemm) that applies its bias. */
    private static String projectionOutput(GraphIndex index, String source, String module)
            throws InvalidOnnxException {
        String bias = module + ".bias";
        return index.outputAddingBias(bias).orElseThrow(() -> new InvalidOnnxException(source, "bias '" + bias
                + "' is not added by any Add or Gemm node, so the " + module + " projection cannot be found"));
    }

    private static int headsOfReshape(GraphIndex index, String source, String module, String output, long hiddenSize)
            throws InvalidOnnxException {
        for (OnnxNode consumer : index.consumers(output)) {
            if (!consumer.opType().equals("Reshape") || !consumer.inputs().get(0).equals(output)
                    || consumer.inputs().size() < 2) {
                continue;
            }
            Optional<List<OptionalLong>> shape = index.integerVector(consumer.inputs().get(1));
            if (shape.isEmpty() || shape.get().size() != 4) {
                continue;
            }
            return headsFromShape(source, module, consumer, shape.get(), hiddenSize);
        }
        throw new InvalidOnnxException(source, "the output of " + module + " is not reshaped to [batch, seq, heads,"
                + " head_dim] by a Reshape with constant head entries, so the number of attention heads cannot be read");
    }

    private static int headsFromShape(String source, String module, OnnxNode reshape, List<OptionalLong> shape,
            long hiddenSize) throws InvalidOnnxException {
        OptionalLong headsEntry = shape.get(2);
        OptionalLong headDimEntry = shape.get(3);
        if (headsEntry.isEmpty() || headDimEntry.isEmpty()) {
            throw new InvalidOnnxException(source, "Reshape '" + reshape.describe() + "' of " + module
                    + " computes its head entries at run time; expected constants");
        }
        long heads = headsEntry.getAsLong();
        long headDim = headDimEntry.getAsLong();
        // A -1 entry means "whatever makes the element count match", which is hidden / (the other entry).
        if (heads == -1 && headDim > 0 && hiddenSize % headDim == 0) {
            heads = hiddenSize / headDim;
        } else if (headDim == -1 && heads > 0 && hiddenSize % heads == 0) {
            headDim = hiddenSize / heads;
        }
        if (heads <= 0 || headDim <= 0 || heads * headDim != hiddenSize || heads > Integer.MAX_VALUE) {
            throw new InvalidOnnxException(source, "Reshape '" + reshape.describe() + "' of " + module
                    + " splits hidden size " + hiddenSize + " into " + headsEntry.getAsLong() + " heads of "
                    + headDimEntry.getAsLong() + "; heads x head_dim must equal the hidden size");
        }
        return (int) heads;
    }

    /**
     * Multiplies every constant scale applied between the query and key projections and the
     * attention Softmax, and checks the product against {@code 1 / sqrt(headDim)}.
     */
    private static void checkScale(GraphIndex index, String source, int layer, List<String> queryAndKey,
            long headDim) throws InvalidOnnxException {
        Set<OnnxNode> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<String> pending = new ArrayDeque<>(queryAndKey);
        double scale = 1;
        List<String> constants = new ArrayList<>();
        boolean reachedSoftmax = false;

        while (!pending.isEmpty()) {
            String value = pending.pop();
            for (OnnxNode node : index.consumers(value)) {
                if (!visited.add(node)) {
                    continue;
                }
                if (visited.size() > MAX_VISITED_NODES) {
                    throw new InvalidOnnxException(source, "layer " + layer + " has more than " + MAX_VISITED_NODES
                            + " nodes between its query projection and the attention Softmax; it is not a BERT"
                            + " self-attention block");
                }
                if (node.opType().equals("Softmax")) {
                    reachedSoftmax = true;
                    continue;
                }
                Optional<Double> factor = scaleFactor(index, node);
                if (factor.isPresent()) {
                    scale *= factor.get();
                    constants.add(node.opType() + " " + index.scalarFloat(node.inputs().get(1))
                            .or(() -> index.scalarFloat(node.inputs().get(0))).orElseThrow());
                }
                pending.addAll(node.outputs());
            }
        }

        if (!reachedSoftmax) {
            throw new InvalidOnnxException(source, "the query projection of layer " + layer
                    + " never reaches a Softmax; it is not a BERT self-attention block");
        }
        if (constants.isEmpty()) {
            throw new InvalidOnnxException(source, "layer " + layer + " has no attention scale constant (a Div or Mul"
                    + " by a scalar between the query and key projections and the Softmax), so head_dim "
                    + headDim + " cannot be cross-checked");
        }
        double expected = 1 / Math.sqrt(headDim);
        if (Math.abs(scale - expected) > SCALE_TOLERANCE * expected) {
            throw new InvalidOnnxException(source, "layer " + layer + " scales attention scores by " + scale + " ("
                    + String.join(", ", constants) + "), but head_dim " + headDim + " from the Reshape constants"
                    + " implies 1/sqrt(" + headDim + ") = " + expected);
        }
    }

    /** Returns the factor that a Div or Mul by a scalar float constant applies, if {@code node} is one. */
    private static Optional<Double> scaleFactor(GraphIndex index, OnnxNode node) {
        if (node.inputs().size() != 2) {
            return Optional.empty();
        }
        if (node.opType().equals("Div")) {
            return index.scalarFloat(node.inputs().get(1)).map(divisor -> 1 / divisor);
        }
        if (node.opType().equals("Mul")) {
            return index.scalarFloat(node.inputs().get(1)).or(() -> index.scalarFloat(node.inputs().get(0)));
        }
        return Optional.empty();
    }
}
