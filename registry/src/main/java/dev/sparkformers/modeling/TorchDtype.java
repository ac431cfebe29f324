package dev.sparkformers.modeling;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

import java.util.Locale;

/**
 * The floating-point type a model's weights and forward pass use, after the {@code dtype}
 * (formerly {@code torch_dtype}) argument of HuggingFace's {@code from_pretrained}: the default is
 * {@link #FLOAT32} whatever the checkpoint stores, and {@link #AUTO} takes the type recorded in
 * the checkpoint's config.
 *
 * <p>Two types of PyTorch are missing. {@code bfloat16} is missing because DJL 0.36 aborts the JVM
 * on a BF16 array, so BF16 checkpoints are widened to float32 when they load. {@code float16} runs
 * only on a GPU: PyTorch's CPU kernels for half-precision matrix products are slower than its
 * float32 ones, so a CPU load in float16 is rejected instead of silently running slower.
 *
 * <p>NOTE: the float16 forward pass has not run on a GPU in this project's builds, which have
 * none; {@code Float16GpuTest} checks it against float32 wherever CUDA is available.
 */
public enum TorchDtype {

    /** Single precision, the default. */
    FLOAT32("float32", DataType.FLOAT32),

    /** Half precision (IEEE 754 binary16), on GPU devices only. */
    FLOAT16("float16", DataType.FLOAT16),

    /**
     * The checkpoint's {@code torch_dtype}: float16 on a GPU when the config records float16, and
     * float32 otherwise (float16 checkpoints on the CPU, bfloat16 and unrecorded types).
     */
    AUTO("auto", null);

    private final String configName;
    private final DataType dataType;

    TorchDtype(String configName, DataType dataType) {
        this.configName = configName;
        this.dataType = dataType;
    }

    /**
     * Parses a dtype name as HuggingFace writes it ({@code float32}, {@code float16} or
     * {@code auto}); {@code half} and {@code float} are accepted as PyTorch's aliases.
     *
     * @throws IllegalArgumentException naming the value and the accepted names, with the reason for
     *     bfloat16
     */
    public static TorchDtype fromName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("dtype is null; use float32, float16 or auto");
        }
        String normalized = name.trim().toLowerCase(Locale.ROOT);
        return switch (normalized) {
            case "float32", "float" -> FLOAT32;
            case "float16", "half" -> FLOAT16;
            case "auto" -> AUTO;
            case "bfloat16" -> throw new IllegalArgumentException("dtype 'bfloat16' is not supported: DJL 0.36 cannot"
                    + " hold BF16 arrays. Use float16 on a GPU, or float32");
            default -> throw new IllegalArgumentException("Unknown dtype '" + name + "'; use float32, float16 or auto");
        };
    }

    /** The name HuggingFace writes in {@code config.json} and on the command line. */
    public String configName() {
        return configName;
    }

    /**
     * The DJL array type of the weights.
     *
     * @throws IllegalStateException for {@link #AUTO}, which must be {@linkplain #resolve resolved} first
     */
    public DataType dataType() {
        if (dataType == null) {
            throw new IllegalStateException("dtype auto has no array type; resolve it against the checkpoint first");
        }
        return dataType;
    }

    /**
     * Returns the concrete type for a checkpoint whose config records {@code configTorchDtype}
     * (null when it records none) on {@code device}. Only {@link #AUTO} depends on them.
     */
    public TorchDtype resolve(String configTorchDtype, Device device) {
        if (this != AUTO) {
            return this;
        }
        boolean gpu = Device.Type.GPU.equals(device.getDeviceType());
        return gpu && "float16".equals(configTorchDtype) ? FLOAT16 : FLOAT32;
    }

    /**
     * Checks that {@code device} can run this type.
     *
     * @throws IllegalArgumentException for float16 on the CPU, naming the option and the fix
     */
    public void checkDevice(Device device) {
        if (this == FLOAT16 && !Device.Type.GPU.equals(device.getDeviceType())) {
            throw new IllegalArgumentException("dtype float16 needs a GPU, but the model loads on " + device
                    + ": PyTorch's half-precision matrix products on the CPU are slower than float32 ones. Use"
                    + " --dtype float32 (or auto) on CPU executors, or run with --device gpu on executors that"
                    + " Spark assigns GPUs");
        }
    }
}
