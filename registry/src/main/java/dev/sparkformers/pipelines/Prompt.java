package dev.sparkformers.pipelines;

import java.util.Objects;

/**
 * The input of a {@link TextGenerationPipeline}: a prompt text and, for sampling, an optional seed
 * of its own. A prompt with a seed samples the same continuation in any batch; the Spark generate
 * job derives each row's seed from the job seed and the row's id.
 *
 * @param text the prompt
 * @param seed the seed of this prompt's draws, or null to derive one from the call's {@code seed}
 *     parameter and the text, or to draw unseeded when the call has no seed
 */
public record Prompt(String text, Long seed) {

    public Prompt {
        Objects.requireNonNull(text, "prompt text is null");
    }

    /** A prompt without a seed of its own. */
    public static Prompt of(String text) {
        return new Prompt(text, null);
    }

    /** A prompt with its own seed. */
    public static Prompt of(String text, long seed) {
        return new Prompt(text, seed);
    }
}
