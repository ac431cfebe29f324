package dev.sparkformers.tokenization;

/**
 * The named special tokens of a HuggingFace tokenizer, each with the key that
 * {@code tokenizer_config.json} and {@code special_tokens_map.json} use for it.
 */
public enum SpecialToken {
    /** Beginning of sequence, {@code bos_token}. */
    BOS("bos_token"),
    /** End of sequence, {@code eos_token}. */
    EOS("eos_token"),
    /** Unknown token, {@code unk_token}: the id of any token that is not in the vocabulary. */
    UNK("unk_token"),
    /** Separator between two texts, {@code sep_token}. */
    SEP("sep_token"),
    /** Padding, {@code pad_token}. Padding fails when a tokenizer has none. */
    PAD("pad_token"),
    /** Classification token at the start of BERT inputs, {@code cls_token}. */
    CLS("cls_token"),
    /** Masked-language-model token, {@code mask_token}. */
    MASK("mask_token");

    private final String configKey;

    SpecialToken(String configKey) {
        this.configKey = configKey;
    }

    /** Returns the key in {@code tokenizer_config.json}, for example {@code "pad_token"}. */
    public String configKey() {
        return configKey;
    }
}
