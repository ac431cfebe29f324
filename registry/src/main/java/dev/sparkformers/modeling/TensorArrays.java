package dev.sparkformers.modeling;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.sparkformers.safetensors.Dtype;
import dev.sparkformers.safetensors.DtypeConversions;
import dev.sparkformers.safetensors.TensorData;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Conversions between safetensors bytes and DJL arrays.
 *
 * <p>Two DJL facts shape this code. DJL passes a direct buffer's base address to native code and
 * ignores {@code position()}, so only buffers that start at their data are passed (mappings and
 * fresh buffers do). And DJL 0.36 aborts the JVM on a BF16 array, so BF16 is widened to F32 in Java
 * before DJL receives it. F32 weights on the CPU are not copied: the array reads the mapped file, which
 * is why weight arrays must never be modified in place.
 */
final class TensorArrays {

    private TensorArrays() {}

    /**
     * Creates a float32 array on {@code device} from a tensor's little-endian bytes.
     *
     * @param bytes the tensor's bytes, starting at position 0
     * @param fileOffset absolute file offset of the bytes, to tell whether a mapping is aligned
     */
    static NDArray toFloatArray(NDManager manager, Dtype dtype, long[] shape, ByteBuffer bytes, long fileOffset,
            Device device) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("Sparkformers reads safetensors only on little-endian machines");
        }
        Shape djlShape = new Shape(shape);
        int count = Math.toIntExact(djlShape.size());
        NDArray cpu = switch (dtype) {
            case F32 -> bytes.isDirect() && fileOffset % Float.BYTES == 0
                    ? manager.create(bytes.order(ByteOrder.nativeOrder()), djlShape, DataType.FLOAT32)
                    : manager.create(copyToDirect(bytes), djlShape, DataType.FLOAT32);
            case BF16 -> manager.create(DtypeConversions.bfloat16ToFloat32(bytes, count), djlShape, DataType.FLOAT32);
            case F16 -> widen(manager, bytes, djlShape, DataType.FLOAT16);
            case F64 -> widen(manager, bytes, djlShape, DataType.FLOAT64);
            default -> throw new IllegalArgumentException("Cannot load a " + dtype + " tensor as float32 weights");
        };
        NDScope.unregister(cpu);
        if (device.equals(manager.getDevice()) && device.equals(Device.cpu())) {
            return cpu;
        }
        NDArray moved = cpu.toDevice(device, false);
        NDScope.unregister(moved);
        if (moved != cpu) {
            moved.attach(manager);
            cpu.close();
        }
        return moved;
    }

    /** Creates an array of the given type from copied bytes and converts it to float32 in native code. */
    private static NDArray widen(NDManager manager, ByteBuffer bytes, Shape shape, DataType type) {
        NDArray narrow = manager.create(copyToDirect(bytes), shape, type);
        NDArray wide = narrow.toType(DataType.FLOAT32, false);
        NDScope.unregister(narrow);
        narrow.close();
        return wide;
    }

    private static ByteBuffer copyToDirect(ByteBuffer bytes) {
        ByteBuffer copy = ByteBuffer.allocateDirect(bytes.remaining()).order(ByteOrder.nativeOrder());
        copy.put(bytes.duplicate());
        return copy.flip();
    }

    /**
     * Views a float32 CPU array's elements as a safetensors tensor. Contiguous CPU arrays are not
     * copied, so the array must stay open until the tensor is written.
     */
    static TensorData toTensorData(NDArray array) {
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("Only float32 weights are saved, but an array has " + array.getDataType());
        }
        ByteBuffer bytes = array.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN);
        return new TensorData(Dtype.F32, array.getShape().getShape(), bytes);
    }
}
