package dev.sparkformers.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The computation graph of an ONNX model ({@code GraphProto}).
 *
 * @param name the graph's name
 * @param nodes the nodes in file order, which ONNX requires to be topological
 * @param initializers the stored tensors (weights and constants) by name, in file order
 * @param inputs the graph inputs, which may also list initializers in older IR versions
 * @param outputs the graph outputs
 */
public record OnnxGraph(String name, List<OnnxNode> nodes, Map<String, OnnxTensor> initializers,
        List<OnnxValueInfo> inputs, List<OnnxValueInfo> outputs) {

    public OnnxGraph {
        Objects.requireNonNull(name, "name is null");
        nodes = List.copyOf(nodes);
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
