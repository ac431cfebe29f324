package dev.sparkformers.generation;

/**
 * One step of turning the model's next-token logits into the scores a token is chosen from,
 * after HuggingFace's {@code LogitsProcessor} and {@code LogitsWarper}.
 *
 * <p>Processors work on plain arrays because every one of them is a per-row pass over the
 * vocabulary, which is cheaper in Java than as a chain of native calls. A token whose score is
 * set to {@code -Infinity} can no longer be chosen.
 */
@FunctionalInterface
public interface LogitsProcessor {

    /**
     * Modifies {@code scores} in place.
     *
     * @param inputIds the sequences so far, {@code [rows][length]}, prompts and their padding included
     * @param scores the next-token scores, {@code [rows][vocab]}
     */
    void process(long[][] inputIds, float[][] scores);
}
