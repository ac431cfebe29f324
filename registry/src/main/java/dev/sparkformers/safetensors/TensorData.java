package dev.sparkformers.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor's dtype, shape and little-endian bytes, as stored in a safetensors file.
 *
 * @param dtype element type
 * @param shape dimensions, outermost first; empty for a scalar
 * @param data the elements in row-major order, little-endian; read from {@code position()} to
 *     {@code limit()}
 */
public record TensorData(Dtype dtype, long[] shape, ByteBuffer data) {

    public TensorData {
        Objects.requireNonNull(dtype, "dtype is null");
        Objects.requireNonNull(shape, "shape is null");
        Objects.requireNonNull(data, "data is null");
        shape = shape.clone();
        long expected = byteSize(dtype, shape);
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("Tensor of dtype " + dtype + " and shape "
                    + Arrays.toString(shape) + " needs " + expected + " bytes, but its buffer has "
                    + data.remaining());
        }
    }

    /** Wraps float values as an F32 tensor. */
    public static TensorData ofFloats(float[] values, long... shape) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return new TensorData(Dtype.F32, shape, buffer);
    }

    /** Wraps long values as an I64 tensor. */
    public static TensorData ofLongs(long[] values, long... shape) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values);
        return new TensorData(Dtype.I64, shape, buffer);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public long elementCount() {
        return elementCount(shape);
    }

    /** Reads the elements as floats, converting F16, BF16 and F64 to F32. */
    public float[] toFloatArray() {
        return DtypeConversions.toFloatArray(dtype, data.duplicate().order(ByteOrder.LITTLE_ENDIAN),
                Math.toIntExact(elementCount()));
    }

    /** Reads I64 or I32 elements as longs. */
    public long[] toLongArray() {
        return DtypeConversions.toLongArray(dtype, data.duplicate().order(ByteOrder.LITTLE_ENDIAN),
                Math.toIntExact(elementCount()));
    }

    static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }

    static long byteSize(Dtype dtype, long[] shape) {
        return Math.multiplyExact(elementCount(shape), (long) dtype.byteSize());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorData that
                && dtype == that.dtype
                && Arrays.equals(shape, that.shape)
                && data.equals(that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), data);
    }

    @Override
    public String toString() {
        return "TensorData[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
