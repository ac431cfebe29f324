package dev.sparkformers.onnx;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One operator call in a graph ({@code NodeProto}).
 *
 * @param name the node's name; PyTorch exports use the module path, for example
 *     {@code /encoder/layer.0/attention/self/query/MatMul}; may be empty
 * @param opType the operator, for example {@code MatMul}
 * @param domain the operator set domain; empty for the default ONNX domain
 * @param inputs names of the input values, in order; an empty string marks an omitted optional input
 * @param outputs names of the output values, in order
 * @param attributes attributes by name
 */
public record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
        Map<String, OnnxAttribute> attributes) {

    public OnnxNode {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(opType, "opType is null");
        Objects.requireNonNull(domain, "domain is null");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
    }

    /** Returns the attribute called {@code attributeName}, if the node has one. */
    public Optional<OnnxAttribute> attribute(String attributeName) {
        return Optional.ofNullable(attributes.get(attributeName));
    }

    /** Returns the node's name, or its op type and first output when it has no name; for messages. */
    public String describe() {
        if (!name.isEmpty()) {
            return name;
        }
        return opType + " node producing '" + (outputs.isEmpty() ? "" : outputs.get(0)) + "'";
    }
}
