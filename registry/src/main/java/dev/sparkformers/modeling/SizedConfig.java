package dev.sparkformers.modeling;

/**
 * A config that can count its model's parameters from its sizes alone, so that an impossible
 * model is refused before any of it is built.
 */
public interface SizedConfig {

    /**
     * Number of parameters of the largest model class of the family, tied weights counted once.
     *
     * @throws ArithmeticException if the count overflows
     */
    long estimatedParameterCount();
}
