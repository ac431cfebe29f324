package dev.sparkformers.safetensors;

import java.util.Arrays;
import java.util.Optional;

/**
 * Element types of the safetensors format, by the names that appear in a file's header.
 *
 * <p>Sparkformers reads F32, F16, BF16, I64 and I32 into tensors; the other types are recognised
 * in headers so that a file holding them is reported precisely rather than as malformed.
 */
public enum Dtype {
    F64(8, true),
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    I64(8, true),
    I32(4, true),
    I16(2, false),
    I8(1, false),
    U8(1, false),
    BOOL(1, false);

    private final int byteSize;
    private final boolean loadable;

    Dtype(int byteSize, boolean loadable) {
        this.byteSize = byteSize;
        this.loadable = loadable;
    }

    /** Size of one element in bytes. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether Sparkformers can turn tensors of this type into model parameters. */
    public boolean isLoadable() {
        return loadable;
    }

    /** Whether this is a floating-point type. */
    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** Returns the dtype with this header name ({@code "F32"}, {@code "BF16"}, ...), if known. */
    public static Optional<Dtype> fromHeaderName(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }
}
