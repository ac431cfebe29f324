package dev.sparkformers.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Element conversions between safetensors dtypes and Java primitives. */
public final class DtypeConversions {

    private DtypeConversions() {}

    /**
     * Reads {@code count} elements of {@code dtype} from {@code source} (little-endian, from its
     * position) as floats. F16, BF16 and F64 are converted to the nearest float.
     */
    public static float[] toFloatArray(Dtype dtype, ByteBuffer source, int count) {
        ByteBuffer in = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        switch (dtype) {
            case F32 -> in.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = (float) in.getDouble();
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = halfToFloat(in.getShort());
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = bfloat16ToFloat(in.getShort());
                }
            }
            default -> throw new IllegalArgumentException("Cannot read " + dtype + " elements as floats");
        }
        return out;
    }

    /** Reads {@code count} I64 or I32 elements from {@code source} as longs. */
    public static long[] toLongArray(Dtype dtype, ByteBuffer source, int count) {
        ByteBuffer in = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[count];
        switch (dtype) {
            case I64 -> in.asLongBuffer().get(out);
            case I32 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = in.getInt();
                }
            }
            default -> throw new IllegalArgumentException("Cannot read " + dtype + " elements as integers");
        }
        return out;
    }

    /**
     * Converts BF16 elements to F32 into a new direct buffer in native byte order. A BF16 value is
     * the upper half of an F32 value, so the conversion is exact.
     */
    public static ByteBuffer bfloat16ToFloat32(ByteBuffer source, int count) {
        ByteBuffer in = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocateDirect(Math.multiplyExact(count, Float.BYTES))
                .order(ByteOrder.nativeOrder());
        for (int i = 0; i < count; i++) {
            out.putFloat(bfloat16ToFloat(in.getShort()));
        }
        return out.flip();
    }

    /** Returns the F32 value of a BF16 bit pattern. */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** Returns the F32 value of an IEEE 754 half-precision bit pattern, subnormals included. */
    public static float halfToFloat(short bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            // Infinity or NaN: keep the payload in the top mantissa bits.
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            // Subnormal half: value = mantissa * 2^-24, exactly representable as a float.
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
