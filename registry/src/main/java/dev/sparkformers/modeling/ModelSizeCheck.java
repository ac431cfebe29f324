package dev.sparkformers.modeling;

import dev.sparkformers.config.PretrainedConfig;

/**
 * Refuses models whose weights would not fit, before anything is allocated: a hostile or mistyped
 * config.json (a vocabulary of 10^12, a million layers) must fail with a message, not exhaust memory.
 */
final class ModelSizeCheck {

    /** DJL's PyTorch engine addresses a tensor's elements with a Java int. */
    private static final long MAX_ELEMENTS_PER_TENSOR = Integer.MAX_VALUE;

    private ModelSizeCheck() {}

    /** Checks the config's own estimate, before the model's objects are built. */
    static void checkConfig(PretrainedConfig config, LoadOptions options) {
        long parameters;
        try {
            parameters = config instanceof SizedConfig sized ? sized.estimatedParameterCount() : -1;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(describe(config) + " describes a model whose parameter count overflows "
                    + "a 64-bit integer; check the sizes in config.json", e);
        }
        if (parameters >= 0) {
            checkBytes(config, parameters, options);
        }
    }

    /** Checks the built model's parameters, tensor by tensor and in total. */
    static void checkParameters(PreTrainedModel<?> model, LoadOptions options) {
        model.namedParameters().forEach((name, parameter) -> {
            if (parameter.shape().size() > MAX_ELEMENTS_PER_TENSOR) {
                throw new IllegalArgumentException(describe(model.config()) + ": parameter " + name + " has shape "
                        + parameter.shape() + ", more than " + MAX_ELEMENTS_PER_TENSOR + " elements per tensor");
            }
        });
        long parameters;
        try {
            parameters = model.parameterCount();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(describe(model.config()) + ": parameter count overflows", e);
        }
        checkBytes(model.config(), parameters, options);
    }

    private static void checkBytes(PretrainedConfig config, long parameters, LoadOptions options) {
        long bytes;
        try {
            bytes = Math.multiplyExact(parameters, (long) Float.BYTES);
        } catch (ArithmeticException e) {
            bytes = Long.MAX_VALUE;
        }
        if (bytes > options.maxParameterBytes()) {
            throw new IllegalArgumentException(describe(config) + " describes " + parameters + " parameters ("
                    + bytes / (1L << 20) + " MiB as float32), more than the limit of "
                    + options.maxParameterBytes() / (1L << 20) + " MiB. Check the sizes in config.json, or raise "
                    + "LoadOptions.maxParameterBytes on a larger machine.");
        }
    }

    private static String describe(PretrainedConfig config) {
        return config.getClass().getSimpleName() + " (model_type '" + config.modelType() + "')";
    }
}
