package dev.sparkformers.onnx;

import dev.sparkformers.safetensors.Dtype;

import java.util.Optional;

/**
 * Element types of ONNX tensors ({@code TensorProto.DataType} in {@code onnx.proto}), with the
 * codes that appear in a file.
 *
 * <p>Only the types that have a fixed byte width and a safetensors counterpart carry data through
 * the reader; the others are listed so that an error can name the type a file uses.
 */
public enum OnnxDataType {
    UNDEFINED(0, 0, null),
    FLOAT(1, 4, Dtype.F32),
    UINT8(2, 1, Dtype.U8),
    INT8(3, 1, Dtype.I8),
    UINT16(4, 2, null),
    INT16(5, 2, Dtype.I16),
    INT32(6, 4, Dtype.I32),
    INT64(7, 8, Dtype.I64),
    STRING(8, 0, null),
    BOOL(9, 1, Dtype.BOOL),
    FLOAT16(10, 2, Dtype.F16),
    DOUBLE(11, 8, Dtype.F64),
    UINT32(12, 4, null),
    UINT64(13, 8, null),
    COMPLEX64(14, 8, null),
    COMPLEX128(15, 16, null),
    BFLOAT16(16, 2, Dtype.BF16);

    private final int code;
    private final int byteSize;
    private final Dtype safetensorsDtype;

    OnnxDataType(int code, int byteSize, Dtype safetensorsDtype) {
        this.code = code;
        this.byteSize = byteSize;
        this.safetensorsDtype = safetensorsDtype;
    }

    /** Returns the {@code data_type} code stored in the file. */
    public int code() {
        return code;
    }

    /** Returns the size of one element in bytes; 0 for types without a fixed width (STRING, UNDEFINED). */
    public int byteSize() {
        return byteSize;
    }

    /** Returns the safetensors dtype with the same layout, if there is one. */
    public Optional<Dtype> safetensorsDtype() {
        return Optional.ofNullable(safetensorsDtype);
    }

    /** Returns the type with this code, if the reader knows it. */
    public static Optional<OnnxDataType> fromCode(int code) {
        for (OnnxDataType type : values()) {
            if (type.code == code) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
