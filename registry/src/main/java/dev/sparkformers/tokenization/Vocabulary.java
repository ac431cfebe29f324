package dev.sparkformers.tokenization;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Token-to-id maps of a {@code tokenizer.json}: the model's vocabulary plus the added tokens,
 * looked up as the native library does (added tokens first, then the model).
 *
 * <p>DJL's binding does not expose the native {@code token_to_id} and {@code id_to_token}, so
 * this class reads the same maps from the JSON. Instances are immutable.
 */
final class Vocabulary {

    private final Map<String, Integer> modelTokenToId;
    private final Map<Integer, String> modelIdToToken;
    private final Map<String, Integer> addedTokenToId;
    private final Map<Integer, String> addedIdToToken;
    private final int sizeWithAddedTokens;

    Vocabulary(Map<String, Integer> modelTokenToId, Map<String, Integer> addedTokenToId) {
        this.modelTokenToId = Map.copyOf(modelTokenToId);
        this.addedTokenToId = Map.copyOf(addedTokenToId);
        this.modelIdToToken = invert(modelTokenToId);
        this.addedIdToToken = invert(addedTokenToId);

        // The native get_vocab_size(with_added_tokens=true) counts distinct token strings.
        Map<String, Integer> union = new HashMap<>(modelTokenToId);
        union.putAll(addedTokenToId);
        this.sizeWithAddedTokens = union.size();
    }

    /** Returns the model's vocabulary size without added tokens, as transformers' {@code vocab_size}. */
    int modelSize() {
        return modelTokenToId.size();
    }

    /** Returns the number of distinct tokens including added tokens, as {@code len(tokenizer)}. */
    int sizeWithAddedTokens() {
        return sizeWithAddedTokens;
    }

    /** Returns the id of a token, or empty when neither the added tokens nor the model have it. */
    OptionalInt tokenToId(String token) {
        Integer id = addedTokenToId.get(token);
        if (id == null) {
            id = modelTokenToId.get(token);
        }
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Returns the token of an id, or null when no token has it. */
    String idToToken(long id) {
        if (id < 0 || id > Integer.MAX_VALUE) {
            return null;
        }
        String token = addedIdToToken.get((int) id);
        return token != null ? token : modelIdToToken.get((int) id);
    }

    /** Returns the added tokens and their ids. */
    Map<String, Integer> addedTokens() {
        return addedTokenToId;
    }

    private static Map<Integer, String> invert(Map<String, Integer> tokenToId) {
        Map<Integer, String> idToToken = new HashMap<>(tokenToId.size() * 4 / 3 + 1);
        for (Map.Entry<String, Integer> entry : tokenToId.entrySet()) {
            idToToken.putIfAbsent(entry.getValue(), entry.getKey());
        }
        return Map.copyOf(idToToken);
    }
}
