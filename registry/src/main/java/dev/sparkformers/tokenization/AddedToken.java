package dev.sparkformers.tokenization;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A special token as {@code tokenizer_config.json} declares it: either a plain string or an
 * {@code AddedToken} object with matching flags. Flags that a plain string does not give take
 * the defaults that HuggingFace uses for special tokens.
 *
 * @param content the token text, for example {@code "[PAD]"}
 * @param singleWord match only whole words
 * @param lstrip absorb whitespace to the left of the token
 * @param rstrip absorb whitespace to the right of the token
 * @param normalized match against normalized text instead of the raw input
 */
record AddedToken(String content, boolean singleWord, boolean lstrip, boolean rstrip, boolean normalized) {

    /** Returns a special token with HuggingFace's defaults: every flag false. */
    static AddedToken special(String content) {
        return new AddedToken(content, false, false, false, false);
    }

    /** Returns the entry for the {@code added_tokens} array of {@code tokenizer.json}. */
    ObjectNode toTokenizerJson(int id) {
        ObjectNode node = TokenizerFiles.JSON.createObjectNode();
        node.put("id", id);
        node.put("content", content);
        node.put("single_word", singleWord);
        node.put("lstrip", lstrip);
        node.put("rstrip", rstrip);
        node.put("normalized", normalized);
        node.put("special", true);
        return node;
    }
}
