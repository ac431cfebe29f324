package dev.sparkformers.onnx;

import java.util.Map;
import java.util.Objects;

/**
 * An ONNX model ({@code ModelProto}): the fields Sparkformers reads and the graph.
 *
 * @param source the file or resource the model was read from, for messages
 * @param irVersion the ONNX IR version the file declares
 * @param producerName the exporting tool, for example {@code pytorch}; may be empty
 * @param producerVersion the exporting tool's version; may be empty
 * @param opsetImports operator set versions by domain; the default ONNX domain is the empty string
 * @param graph the computation graph
 */
public record OnnxModel(String source, long irVersion, String producerName, String producerVersion,
        Map<String, Long> opsetImports, OnnxGraph graph) {

    public OnnxModel {
        Objects.requireNonNull(source, "source is null");
        Objects.requireNonNull(producerName, "producerName is null");
        Objects.requireNonNull(producerVersion, "producerVersion is null");
        opsetImports = Map.copyOf(opsetImports);
        Objects.requireNonNull(graph, "graph is null");
    }
}
