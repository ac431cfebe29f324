package dev.sparkformers.safetensors;

import java.util.Arrays;

/**
 * A tensor's entry in a safetensors header.
 *
 * @param name the tensor's key, for example {@code encoder.layer.0.attention.self.query.weight}
 * @param dtype element type
 * @param shape dimensions, outermost first
 * @param dataBegin offset of the first byte, relative to the start of the data section
 * @param dataEnd offset one past the last byte, relative to the start of the data section
 */
public record TensorInfo(String name, Dtype dtype, long[] shape, long dataBegin, long dataEnd) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of bytes the tensor occupies. */
    public long byteSize() {
        return dataEnd - dataBegin;
    }

    /** Number of elements. */
    public long elementCount() {
        return TensorData.elementCount(shape);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorInfo that
                && name.equals(that.name)
                && dtype == that.dtype
                && Arrays.equals(shape, that.shape)
                && dataBegin == that.dataBegin
                && dataEnd == that.dataEnd;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " [" + dataBegin + ", " + dataEnd + ")";
    }
}
