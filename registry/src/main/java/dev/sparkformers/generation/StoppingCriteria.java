package dev.sparkformers.generation;

/** A condition that ends generation for a row, after HuggingFace's {@code StoppingCriteria}. */
@FunctionalInterface
public interface StoppingCriteria {

    /**
     * Returns, per row, whether the row is done.
     *
     * @param inputIds the sequences so far, {@code [rows][length]}, the token just chosen last
     */
    boolean[] isDone(long[][] inputIds);
}
