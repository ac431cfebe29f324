package dev.sparkformers.onnx;

import java.util.List;
import java.util.Objects;

/**
 * A graph input or output ({@code ValueInfoProto}) with its tensor element type and shape.
 *
 * @param name the value's name, for example {@code input_ids}
 * @param elementType the tensor element type; {@link OnnxDataType#UNDEFINED} when the file gives none
 * @param dims one entry per dimension: a number such as {@code "384"}, a symbolic name such as
 *     {@code "batch_size"}, or {@code "?"} when the file leaves the dimension open
 */
public record OnnxValueInfo(String name, OnnxDataType elementType, List<String> dims) {

    public OnnxValueInfo {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(elementType, "elementType is null");
        dims = List.copyOf(dims);
    }
}
