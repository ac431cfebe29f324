package dev.sparkformers.modeling;

import ai.djl.Device;

import java.lang.management.ManagementFactory;
import java.util.Objects;

/**
 * Settings of {@code fromPretrained}, after HuggingFace's keyword arguments of the same names.
 */
public final class LoadOptions {

    private static final LoadOptions DEFAULTS = builder().build();

    private final Device device;
    private final TorchDtype dtype;
    private final boolean strict;
    private final boolean ignoreMismatchedSizes;
    private final long seed;
    private final long maxParameterBytes;

    private LoadOptions(Builder builder) {
        this.device = builder.device;
        this.dtype = builder.dtype;
        this.strict = builder.strict;
        this.ignoreMismatchedSizes = builder.ignoreMismatchedSizes;
        this.seed = builder.seed;
        this.maxParameterBytes = builder.maxParameterBytes;
    }

    /** CPU, float32, not strict, mismatched sizes fail, seed 42, parameters up to the machine's physical memory. */
    public static LoadOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Device the weights live on. */
    public Device device() {
        return device;
    }

    /**
     * Floating-point type of the weights and the forward pass, HuggingFace's {@code dtype}
     * argument; {@link TorchDtype#AUTO} is resolved against the checkpoint's config when it loads.
     */
    public TorchDtype dtype() {
        return dtype;
    }

    /** Whether any missing key fails the load instead of being initialised and reported. */
    public boolean strict() {
        return strict;
    }

    /**
     * Whether a checkpoint tensor whose shape differs from the model's is reported as mismatched and
     * re-initialised (HuggingFace's {@code ignore_mismatched_sizes}) instead of failing the load.
     */
    public boolean ignoreMismatchedSizes() {
        return ignoreMismatchedSizes;
    }

    /**
     * Seed of the random initialisation of weights the checkpoint lacks, so that every executor
     * that loads the same checkpoint builds the same model.
     */
    public long seed() {
        return seed;
    }

    /** Largest total parameter size accepted, in bytes, checked before anything is allocated. */
    public long maxParameterBytes() {
        return maxParameterBytes;
    }

    public Builder toBuilder() {
        return new Builder().device(device).dtype(dtype).strict(strict).ignoreMismatchedSizes(ignoreMismatchedSizes).seed(seed)
                .maxParameterBytes(maxParameterBytes);
    }

    @Override
    public String toString() {
        return "LoadOptions{device=" + device + ", dtype=" + dtype.configName() + ", strict=" + strict + ", ignoreMismatchedSizes="
                + ignoreMismatchedSizes + ", seed=" + seed + ", maxParameterBytes=" + maxParameterBytes + "}";
    }

    /** Builder of {@link LoadOptions}. */
    public static final class Builder {

        private Device device = Device.cpu();
        private TorchDtype dtype = TorchDtype.FLOAT32;
        private boolean strict;
        private boolean ignoreMismatchedSizes;
        private long seed = 42;
        private long maxParameterBytes = physicalMemoryBytes();

        private Builder() {}

        public Builder device(Device device) {
            this.device = Objects.requireNonNull(device, "device is null");
            return this;
        }

        public Builder dtype(TorchDtype dtype) {
            this.dtype = Objects.requireNonNull(dtype, "dtype is null");
            return this;
        }

        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        public Builder ignoreMismatchedSizes(boolean ignoreMismatchedSizes) {
            this.ignoreMismatchedSizes = ignoreMismatchedSizes;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder maxParameterBytes(long maxParameterBytes) {
            if (maxParameterBytes <= 0) {
                throw new IllegalArgumentException("maxParameterBytes must be positive, but is " + maxParameterBytes);
            }
            this.maxParameterBytes = maxParameterBytes;
            return this;
        }

        public LoadOptions build() {
            return new LoadOptions(this);
        }

        private static long physicalMemoryBytes() {
            if (ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getTotalMemorySize();
            }
            return Runtime.getRuntime().maxMemory();
        }
    }
}
