package dev.sparkformers.pipelines;

import java.util.List;

/**
 * The raw text-generation result of one prompt: its token ids without padding, and the new tokens
 * of each returned sequence.
 *
 * @param promptIds the prompt's token ids
 * @param sequences per returned sequence, the new token ids (padding of finished rows removed)
 * @param finishReasons per returned sequence, {@link GeneratedText#EOS} or {@link GeneratedText#LENGTH}
 */
public record GenerationResult(long[] promptIds, List<long[]> sequences, List<String> finishReasons) {}
