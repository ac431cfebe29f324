package dev.sparkformers.auto;

/** The model heads the Auto classes resolve, after HuggingFace's per-task model mappings. */
public enum AutoTask {
    /** The bare model ({@code AutoModel}). */
    MODEL("AutoModel"),
    /** Sequence classification ({@code AutoModelForSequenceClassification}). */
    SEQUENCE_CLASSIFICATION("AutoModelForSequenceClassification"),
    /** Masked language modelling ({@code AutoModelForMaskedLM}). */
    MASKED_LM("AutoModelForMaskedLM"),
    /** Causal language modelling ({@code AutoModelForCausalLM}). */
    CAUSAL_LM("AutoModelForCausalLM");

    private final String autoClassName;

    AutoTask(String autoClassName) {
        this.autoClassName = autoClassName;
    }

    /** HuggingFace's name of the Auto class for this task. */
    public String autoClassName() {
        return autoClassName;
    }
}
