package dev.sparkformers.onnx;

import dev.sparkformers.safetensors.TensorData;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor from an ONNX file: an initializer or the value of a {@code Constant} node.
 *
 * <p>The reader has already checked that {@code data} contains exactly {@code elementCount() *
 * dataType.byteSize()} bytes. Data stored in {@code raw_data} is a read-only view of the file's
 * bytes, so reading a model copies no weights.
 *
 * @param name the tensor's name; empty for an unnamed {@code Constant} value
 * @param dataType element type
 * @param dims dimensions, outermost first; empty for a scalar
 * @param data the elements in row-major order, little-endian, from position 0 to the limit
 */
public record OnnxTensor(String name, OnnxDataType dataType, long[] dims, ByteBuffer data) {

    public OnnxTensor {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(dataType, "dataType is null");
        dims = dims.clone();
        // slice() and asReadOnlyBuffer() reset the byte order to big-endian, so set it last.
        data = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    @Override
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code axis}. */
    public long dim(int axis) {
        return dims[axis];
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public long elementCount() {
        long count = 1;
        for (long dim : dims) {
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }

    /** Reads FLOAT or DOUBLE elements as doubles. */
    public double[] toDoubleArray() {
        int count = Math.toIntExact(elementCount());
        double[] values = new double[count];
        ByteBuffer buffer = data();
        switch (dataType) {
            case FLOAT -> {
                for (int i = 0; i < count; i++) {
                    values[i] = buffer.getFloat();
                }
            }
            case DOUBLE -> buffer.asDoubleBuffer().get(values);
            default -> throw new IllegalStateException("Tensor '" + name + "' has type " + dataType
                    + ", not FLOAT or DOUBLE");
        }
        return values;
    }

    /** Reads INT64 or INT32 elements as longs. */
    public long[] toLongArray() {
        int count = Math.toIntExact(elementCount());
        long[] values = new long[count];
        ByteBuffer buffer = data();
        switch (dataType) {
            case INT64 -> buffer.asLongBuffer().get(values);
            case INT32 -> {
                for (int i = 0; i < count; i++) {
                    values[i] = buffer.getInt();
                }
            }
            default -> throw new IllegalStateException("Tensor '" + name + "' has type " + dataType
                    + ", not INT64 or INT32");
        }
        return values;
    }

    /**
     * Wraps this tensor as safetensors {@link TensorData} without copying.
     *
     * @throws IllegalStateException if safetensors has no dtype for {@link #dataType()}
     */
    public TensorData toTensorData() {
        return new TensorData(dataType.safetensorsDtype().orElseThrow(() -> new IllegalStateException(
                "Tensor '" + name + "' has ONNX type " + dataType + ", which safetensors cannot store")),
                dims, data());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OnnxTensor that
                && name.equals(that.name)
                && dataType == that.dataType
                && Arrays.equals(dims, that.dims)
                && data.equals(that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dataType, Arrays.hashCode(dims));
    }

    @Override
    public String toString() {
        return "OnnxTensor[" + name + " " + dataType + Arrays.toString(dims) + "]";
    }
}
