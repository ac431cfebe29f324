package dev.sparkformers.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Lookups over an {@link OnnxGraph}: which node produces a value, which nodes consume it, and the
 * value of constants (initializers, {@code Constant} nodes, and {@code Concat}s of them).
 */
final class GraphIndex {

    /** Most nested {@code Concat}s followed when evaluating a shape; exports nest none. */
    private static final int MAX_CONCAT_DEPTH = 8;

    private final OnnxGraph graph;
    private final Map<String, OnnxNode> producers = new HashMap<>();
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();

    GraphIndex(OnnxGraph graph) {
        this.graph = graph;
        for (OnnxNode node : graph.nodes()) {
            for (String output : node.outputs()) {
                producers.put(output, node);
            }
            for (String input : node.inputs()) {
                if (!input.isEmpty()) {
                    consumers.computeIfAbsent(input, name -> new ArrayList<>()).add(node);
                }
            }
        }
    }

    OnnxGraph graph() {
        return graph;
    }

    /** Returns the node whose output is {@code value}; empty for graph inputs and initializers. */
    Optional<OnnxNode> producer(String value) {
        return Optional.ofNullable(producers.get(value));
    }

    /** Returns the nodes that read {@code value}, in graph order. */
    List<OnnxNode> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /**
     * Returns the output of the node that adds the bias initializer {@code bias}: an {@code Add},
     * or a {@code Gemm} that takes it as its third input.
     */
    Optional<String> outputAddingBias(String bias) {
        for (OnnxNode consumer : consumers(bias)) {
            boolean adds = consumer.opType().equals("Add")
                    || (consumer.opType().equals("Gemm") && consumer.inputs().size() == 3
                            && consumer.inputs().get(2).equals(bias));
            if (adds && !consumer.outputs().isEmpty()) {
                return Optional.of(consumer.outputs().get(0));
            }
        }
        return Optional.empty();
    }

    /** Returns the initializer called {@code value}, if there is one. */
    Optional<OnnxTensor> initializer(String value) {
        return Optional.ofNullable(graph.initializers().get(value));
    }

    /**
     * Returns the tensor behind {@code value} when it is an initializer or the output of a
     * {@code Constant} node with a {@code value} tensor.
     */
    Optional<OnnxTensor> constant(String value) {
        OnnxTensor initializer = graph.initializers().get(value);
        if (initializer != null) {
            return Optional.of(initializer);
        }
        OnnxNode node = producers.get(value);
        if (node == null || !node.opType().equals("Constant")) {
            return Optional.empty();
        }
        return node.attribute("value").map(OnnxAttribute::tensorValue);
    }

    /** Returns the value of a floating-point constant with exactly one element, if {@code value} is one. */
    Optional<Double> scalarFloat(String value) {
        return constant(value)
                .filter(tensor -> tensor.dataType() == OnnxDataType.FLOAT || tensor.dataType() == OnnxDataType.DOUBLE)
                .filter(tensor -> tensor.elementCount() == 1)
                .map(tensor -> tensor.toDoubleArray()[0]);
    }

    /**
     * Evaluates a 1-D integer value as far as constants allow, for reading {@code Reshape} target
     * shapes. A {@code Concat} is evaluated piece by piece; a piece computed at run time from a
     * single {@code Unsqueeze}d scalar (the batch or sequence length) becomes one unknown entry.
     *
     * @return the entries, unknown ones empty; empty when the length itself is unknown or exceeds
     *     the largest rank a shape can have
     */
    Optional<List<OptionalLong>> integerVector(String value) {
        return integerVector(value, 0);
    }

    private Optional<List<OptionalLong>> integerVector(String value, int depth) {
        if (depth > MAX_CONCAT_DEPTH) {
            return Optional.empty();
        }
        Optional<OnnxTensor> constant = constant(value);
        if (constant.isPresent()) {
            OnnxTensor tensor = constant.get();
            if (tensor.rank() > 1 || tensor.elementCount() > TensorProtoReader.MAX_RANK
                    || (tensor.dataType() != OnnxDataType.INT64 && tensor.dataType() != OnnxDataType.INT32)) {
                return Optional.empty();
            }
            List<OptionalLong> entries = new ArrayList<>();
            for (long entry : tensor.toLongArray()) {
                entries.add(OptionalLong.of(entry));
            }
            return Optional.of(entries);
        }

        OnnxNode node = producers.get(value);
        if (node == null) {
            return Optional.empty();
        }
        if (node.opType().equals("Unsqueeze") && unsqueezesScalar(node)) {
            return Optional.of(List.of(OptionalLong.empty()));
        }
        if (!node.opType().equals("Concat")) {
            return Optional.empty();
        }
        List<OptionalLong> entries = new ArrayList<>();
        for (String input : node.inputs()) {
            Optional<List<OptionalLong>> piece = integerVector(input, depth + 1);
            if (piece.isEmpty()) {
                return Optional.empty();
            }
            entries.addAll(piece.get());
            if (entries.size() > TensorProtoReader.MAX_RANK) {
                return Optional.empty();
            }
        }
        return Optional.of(entries);
    }

    /** Returns whether an {@code Unsqueeze} adds exactly one axis to a scalar, giving a 1-element vector. */
    private boolean unsqueezesScalar(OnnxNode unsqueeze) {
        // Opset 13 moved the axes from an attribute to a second input.
        Optional<List<Long>> axes = unsqueeze.attribute("axes").map(OnnxAttribute::ints);
        if (axes.isEmpty() && unsqueeze.inputs().size() > 1) {
            axes = constant(unsqueeze.inputs().get(1)).map(tensor -> {
                List<Long> values = new ArrayList<>();
                for (long axis : tensor.toLongArray()) {
                    values.add(axis);
                }
                return values;
            });
        }
        if (axes.isEmpty() || axes.get().size() != 1) {
            return false;
        }
        OnnxNode source = producers.get(unsqueeze.inputs().get(0));
        // In exported graphs the scalar comes from Gather(Shape(x), index); any other source has an unknown rank.
        return source != null && source.opType().equals("Gather") && source.inputs().size() == 2
                && constant(source.inputs().get(1)).map(OnnxTensor::rank).orElse(-1) == 0;
    }
}
