package dev.sparkformers.generation;

/** Decoding strategies of {@link CausalLanguageModel#generate}, after HuggingFace's {@code GenerationMode}. */
public enum GenerationMode {
    /** The highest-scoring token at every step ({@code num_beams=1}, {@code do_sample=false}). */
    GREEDY_SEARCH,
    /** A token drawn from the processed distribution at every step ({@code num_beams=1}, {@code do_sample=true}). */
    SAMPLE,
    /** The {@code num_beams} best partial sequences kept at every step ({@code do_sample=false}). */
    BEAM_SEARCH,
    /** Beam search whose candidates are drawn instead of taken by score ({@code do_sample=true}). */
    BEAM_SAMPLE
}
