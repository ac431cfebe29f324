package dev.sparkformers.hub;

import java.util.Optional;

/**
 * The task a checkpoint serves, as the HuggingFace Hub's {@code pipeline_tag} names it, with the
 * Auto class and the {@code sparkformers} command that run it.
 */
public enum PipelineTag {
    /** Token or pooled hidden states of a bare encoder or decoder ({@code BertModel}, {@code GPT2Model}). */
    FEATURE_EXTRACTION("feature-extraction", "AutoModel", "embed"),
    /** Sentence embeddings of a sentence-transformers checkpoint (one with {@code modules.json}). */
    SENTENCE_SIMILARITY("sentence-similarity", "AutoModel", "embed"),
    /** A sequence classification head ({@code *ForSequenceClassification}). */
    TEXT_CLASSIFICATION("text-classification", "AutoModelForSequenceClassification", "classify"),
    /** A masked language modelling head ({@code *ForMaskedLM}). */
    FILL_MASK("fill-mask", "AutoModelForMaskedLM", null),
    /** A causal language modelling head ({@code *LMHeadModel}, {@code *ForCausalLM}). */
    TEXT_GENERATION("text-generation", "AutoModelForCausalLM", "generate");

    private final String tag;
    private final String autoClassName;
    private final String command;

    PipelineTag(String tag, String autoClassName, String command) {
        this.tag = tag;
        this.autoClassName = autoClassName;
        this.command = command;
    }

    /** The Hub's name of the task, for example {@code text-classification}. */
    public String tag() {
        return tag;
    }

    /** The Auto class that loads the checkpoint with its head, the same name in Java and Python. */
    public String autoClassName() {
        return autoClassName;
    }

    /** The {@code bin/sparkformers} command that runs this task over a corpus, if there is one. */
    public Optional<String> command() {
        return Optional.ofNullable(command);
    }

    /**
     * Returns the task of a checkpoint whose config lists {@code architecture}, judged by
     * HuggingFace's class-name suffixes, or empty for a head this enum does not cover (token
     * classification, question answering, ...). A sentence-transformers checkpoint is
     * {@link #SENTENCE_SIMILARITY} whatever its architecture.
     */
    public static Optional<PipelineTag> of(String architecture, boolean sentenceTransformers) {
        if (sentenceTransformers) {
            return Optional.of(SENTENCE_SIMILARITY);
        }
        if (architecture == null) {
            return Optional.empty();
        }
        if (architecture.endsWith("ForSequenceClassification")) {
            return Optional.of(TEXT_CLASSIFICATION);
        }
        if (architecture.endsWith("ForMaskedLM")) {
            return Optional.of(FILL_MASK);
        }
        if (architecture.endsWith("LMHeadModel") || architecture.endsWith("ForCausalLM")) {
            return Optional.of(TEXT_GENERATION);
        }
        // A bare model is named <Family>Model, while head models contain "For" or "Head" (GPT2DoubleHeadsModel).
        if (architecture.endsWith("Model") && !architecture.contains("For") && !architecture.contains("Head")) {
            return Optional.of(FEATURE_EXTRACTION);
        }
        return Optional.empty();
    }
}
