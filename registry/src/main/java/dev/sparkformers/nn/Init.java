package dev.sparkformers.nn;

/**
 * How a parameter is filled when a checkpoint does not provide it, following HuggingFace's
 * {@code _init_weights}: linear and embedding weights from a normal distribution with the config's
 * {@code initializer_range} as standard deviation, biases with zeros, LayerNorm weights with ones.
 */
public enum Init {
    NORMAL,
    ZEROS,
    ONES
}
