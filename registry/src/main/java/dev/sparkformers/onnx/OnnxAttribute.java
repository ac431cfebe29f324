package dev.sparkformers.onnx;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A node attribute ({@code AttributeProto}). The reader keeps the scalar, string, tensor and
 * number-list forms; graph and type attributes keep only their name and {@link Type}.
 *
 * @param name attribute name, for example {@code epsilon} or {@code perm}
 * @param type which of the value fields is in use
 * @param floatValue the value of a {@link Type#FLOAT} attribute
 * @param intValue the value of an {@link Type#INT} attribute
 * @param stringValue the value of a {@link Type#STRING} attribute, decoded as UTF-8
 * @param tensorValue the value of a {@link Type#TENSOR} attribute, else null
 * @param floats the values of a {@link Type#FLOATS} attribute
 * @param ints the values of an {@link Type#INTS} attribute
 */
public record OnnxAttribute(String name, Type type, float floatValue, long intValue, String stringValue,
        OnnxTensor tensorValue, List<Float> floats, List<Long> ints) {

    /** Attribute types ({@code AttributeProto.AttributeType}), with the codes stored in a file. */
    public enum Type {
        UNDEFINED(0), FLOAT(1), INT(2), STRING(3), TENSOR(4), GRAPH(5), FLOATS(6), INTS(7), STRINGS(8),
        TENSORS(9), GRAPHS(10), SPARSE_TENSOR(11), SPARSE_TENSORS(12), TYPE_PROTO(13), TYPE_PROTOS(14);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        /** Returns the {@code type} code stored in the file. */
        public int code() {
            return code;
        }

        /** Returns the type with this code, if known. */
        public static Optional<Type> fromCode(int code) {
            for (Type type : values()) {
                if (type.code == code) {
                    return Optional.of(type);
                }
            }
            return Optional.empty();
        }
    }

    public OnnxAttribute {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(stringValue, "stringValue is null");
        floats = List.copyOf(floats);
        ints = List.copyOf(ints);
    }
}
