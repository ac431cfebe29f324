package dev.sparkformers.tokenization;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code tokenizer.json}: the structure that Sparkformers checks before the native
 * library reads the file, and the adjustments that transformers applies when it loads a fast
 * tokenizer.
 *
 * <p>Validation covers what the Java side relies on: a JSON object with a {@code model} object of
 * a supported type, a vocabulary of the right shape with non-negative ids, and well-formed
 * {@code added_tokens}. The native library checks the rest (normalizer, pre-tokenizer,
 * post-processor and decoder) and its errors are reported with the file name.
 */
final class TokenizerJson {

    /** Model types of HF tokenizers 0.21, the native library in DJL 0.36. */
    static final List<String> SUPPORTED_MODEL_TYPES = List.of("BPE", "WordPiece", "WordLevel", "Unigram");

    private static final Logger LOG = LoggerFactory.getLogger(TokenizerJson.class);

    private final String location;
    private final ObjectNode root;
    private final String modelType;
    private final Map<String, Integer> modelVocabulary;
    private final Map<String, Integer> addedTokens;

    private TokenizerJson(String location, ObjectNode root, String modelType, Map<String, Integer> modelVocabulary,
            Map<String, Integer> addedTokens) {
        this.location = location;
        this.root = root;
        this.modelType = modelType;
        this.modelVocabulary = modelVocabulary;
        this.addedTokens = addedTokens;
    }

    /**
     * The JSON text to hand to the native library, the matching vocabulary, and the special tokens
     * that were added to it.
     */
    record Prepared(String json, Vocabulary vocabulary, Map<String, Integer> addedSpecialTokens) {}

    /**
     * Validates a parsed {@code tokenizer.json}.
     *
     * @param location the file, named in error messages
     * @throws InvalidTokenizerException naming the file and the first problem found
     */
    static TokenizerJson parse(String location, ObjectNode root) throws InvalidTokenizerException {
        JsonNode model = root.get("model");
        if (model == null || model.isNull()) {
            throw new InvalidTokenizerException(location, "has no \"model\" object, so it is not a HuggingFace "
                    + "tokenizer.json; save the tokenizer with tokenizer.save_pretrained() in Python");
        }
        if (!model.isObject()) {
            throw new InvalidTokenizerException(location, "\"model\" must be an object, but is "
                    + TokenizerFiles.describeType(model));
        }

        String modelType = modelType(location, (ObjectNode) model);
        Map<String, Integer> vocabulary = "Unigram".equals(modelType)
                ? readUnigramVocabulary(location, model.get("vocab"))
                : readVocabulary(location, modelType, model.get("vocab"));
        if ("BPE".equals(modelType)) {
            checkMerges(location, model.get("merges"));
        }
        Map<String, Integer> addedTokens = readAddedTokens(location, root.get("added_tokens"));
        return new TokenizerJson(location, root, modelType, vocabulary, addedTokens);
    }

    /** Returns the model type: one of {@link #SUPPORTED_MODEL_TYPES}. */
    String modelType() {
        return modelType;
    }

    /**
     * Applies what transformers does when it loads a fast tokenizer, and serializes the result.
     * This consumes the parsed tree, so call it once.
     *
     * <ul>
     *   <li>The {@code truncation} and {@code padding} blocks are removed: transformers sets both
     *       for every call from the call's arguments, so the saved blocks never apply.
     *   <li>Special tokens of the config that are not added tokens yet become special added
     *       tokens, with the id the native library would give them.
     *   <li>An explicit {@code add_prefix_space} replaces the pre-tokenizer's own setting.
     * </ul>
     *
     * <p>NOTE: transformers' tokenizer classes also apply their own defaults here, which this
     * class does not. GPT2TokenizerFast sets the pre-tokenizer's {@code add_prefix_space} to false
     * when the config omits it, and BertTokenizerFast rebuilds the normalizer from
     * {@code do_lower_case}, {@code strip_accents} and {@code tokenize_chinese_chars}. Results
     * differ only when those settings disagree with {@code tokenizer.json}.
     */
    Prepared prepare(TokenizerConfig config) throws InvalidTokenizerException {
        root.putNull("truncation");
        root.putNull("padding");

        Map<String, Integer> added = new LinkedHashMap<>(addedTokens);
        Map<String, Integer> newlyAdded = addMissingSpecialTokens(config, added);
        config.addPrefixSpace().ifPresent(this::applyAddPrefixSpace);

        String json;
        try {
            json = TokenizerFiles.JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new InvalidTokenizerException(location, "could not be serialized for the native tokenizer ("
                    + e.getOriginalMessage() + ")", e);
        }
        return new Prepared(json, new Vocabulary(modelVocabulary, added), newlyAdded);
    }

    /**
     * Registers config special tokens that {@code added_tokens} lacks, as transformers'
     * {@code PreTrainedTokenizerFast} does at load, so that they match as single tokens in text
     * and are skipped by {@code decode(skipSpecialTokens=true)}.
     */
    private Map<String, Integer> addMissingSpecialTokens(TokenizerConfig config, Map<String, Integer> added) {
        ArrayNode addedArray = root.get("added_tokens") instanceof ArrayNode
                ? (ArrayNode) root.get("added_tokens")
                : root.putArray("added_tokens");
        Map<String, Integer> newlyAdded = new LinkedHashMap<>();

        for (AddedToken token : config.allSpecialTokens()) {
            if (token.content().isEmpty() || added.containsKey(token.content())) {
                continue;
            }
            int id = nextAddedTokenId(token.content(), added);
            addedArray.add(token.toTokenizerJson(id));
            added.put(token.content(), id);
            newlyAdded.put(token.content(), id);
            LOG.info("{}: special token '{}' from the tokenizer config is not among added_tokens; registering it "
                    + "as a special added token with id {}, as transformers does", location, token.content(), id);
        }
        return newlyAdded;
    }

    /**
     * Returns the id that the native library gives a new added token: its vocabulary id if the
     * model has the token, otherwise the next id after the model vocabulary and the added tokens.
     */
    private int nextAddedTokenId(String content, Map<String, Integer> added) {
        Integer existing = modelVocabulary.get(content);
        if (existing != null) {
            return existing;
        }
        int modelSize = modelVocabulary.size();
        int maxAdded = added.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        if (maxAdded < 0) {
            return modelSize;
        }
        return maxAdded >= modelSize || modelSize == 0 ? maxAdded + 1 : modelSize;
    }

    /**
     * Sets the pre-tokenizer's {@code add_prefix_space}, as transformers' fast tokenizers do when
     * the config sets it. Only a top-level pre-tokenizer with that field is changed, as in
     * transformers.
     */
    private void applyAddPrefixSpace(boolean addPrefixSpace) {
        JsonNode preTokenizer = root.get("pre_tokenizer");
        if (!(preTokenizer instanceof ObjectNode) || !preTokenizer.has("add_prefix_space")) {
            return;
        }
        JsonNode current = preTokenizer.get("add_prefix_space");
        if (current.isBoolean() && current.booleanValue() == addPrefixSpace) {
            return;
        }
        ((ObjectNode) preTokenizer).put("add_prefix_space", addPrefixSpace);
        LOG.info("{}: set the pre-tokenizer's add_prefix_space to {} as the tokenizer config requests",
                location, addPrefixSpace);
    }

    private static String modelType(String location, ObjectNode model) throws InvalidTokenizerException {
        JsonNode type = model.get("type");
        if (type == null || type.isNull()) {
            // Old files have no "type", and the native library then infers the model from its
            // fields. The same inference decides here how to read the vocabulary.
            if (model.has("merges")) {
                return "BPE";
            }
            if (model.path("vocab").isArray()) {
                return "Unigram";
            }
            return model.has("max_input_chars_per_word") ? "WordPiece" : "WordLevel";
        }
        if (!type.isTextual() || !SUPPORTED_MODEL_TYPES.contains(type.textValue())) {
            throw new InvalidTokenizerException(location, "model type " + type + " is not supported; supported "
                    + "types are " + String.join(", ", SUPPORTED_MODEL_TYPES) + " (HF tokenizers 0.21)");
        }
        return type.textValue();
    }

    private static Map<String, Integer> readVocabulary(String location, String modelType, JsonNode vocab)
            throws InvalidTokenizerException {
        if (vocab == null || !vocab.isObject()) {
            throw new InvalidTokenizerException(location, modelType + " model needs \"vocab\" as an object of "
                    + "token to id, but it is " + (vocab == null ? "missing" : TokenizerFiles.describeType(vocab)));
        }
        Map<String, Integer> vocabulary = new HashMap<>(vocab.size() * 4 / 3 + 1);
        for (Map.Entry<String, JsonNode> entry : vocab.properties()) {
            vocabulary.put(entry.getKey(), requireId(location, "model vocab entry \"" + entry.getKey() + "\"",
                    entry.getValue()));
        }
        return vocabulary;
    }

    private static Map<String, Integer> readUnigramVocabulary(String location, JsonNode vocab)
            throws InvalidTokenizerException {
        if (vocab == null || !vocab.isArray()) {
            throw new InvalidTokenizerException(location, "Unigram model needs \"vocab\" as a list of [token, score] "
                    + "pairs, but it is " + (vocab == null ? "missing" : TokenizerFiles.describeType(vocab)));
        }
        Map<String, Integer> vocabulary = new HashMap<>(vocab.size() * 4 / 3 + 1);
        for (int id = 0; id < vocab.size(); id++) {
            JsonNode entry = vocab.get(id);
            if (!entry.isArray() || entry.size() != 2 || !entry.get(0).isTextual() || !entry.get(1).isNumber()) {
                throw new InvalidTokenizerException(location, "Unigram vocab entry " + id + " must be a [token, score] "
                        + "pair, but is " + abbreviate(entry));
            }
            vocabulary.putIfAbsent(entry.get(0).textValue(), id);
        }
        return vocabulary;
    }

    private static void checkMerges(String location, JsonNode merges) throws InvalidTokenizerException {
        if (merges == null || !merges.isArray()) {
            throw new InvalidTokenizerException(location, "BPE model needs \"merges\" as a list, but it is "
                    + (merges == null ? "missing" : TokenizerFiles.describeType(merges)));
        }
        for (int index = 0; index < merges.size(); index++) {
            JsonNode merge = merges.get(index);
            boolean pair = merge.isArray() && merge.size() == 2 && merge.get(0).isTextual() && merge.get(1).isTextual();
            if (!merge.isTextual() && !pair) {
                throw new InvalidTokenizerException(location, "BPE merge " + index + " must be a string \"a b\" or a "
                        + "pair [\"a\", \"b\"], but is " + abbreviate(merge));
            }
        }
    }

    private static Map<String, Integer> readAddedTokens(String location, JsonNode tokens)
            throws InvalidTokenizerException {
        Map<String, Integer> added = new LinkedHashMap<>();
        if (tokens == null || tokens.isNull()) {
            return added;
        }
        if (!tokens.isArray()) {
            throw new InvalidTokenizerException(location, "\"added_tokens\" must be a list, but is "
                    + TokenizerFiles.describeType(tokens));
        }
        for (int index = 0; index < tokens.size(); index++) {
            JsonNode token = tokens.get(index);
            if (!token.isObject() || !token.path("content").isTextual()) {
                throw new InvalidTokenizerException(location, "added_tokens[" + index + "] must be an object with a "
                        + "string \"content\", but is " + abbreviate(token));
            }
            String content = token.get("content").textValue();
            int id = requireId(location, "added_tokens[" + index + "] \"" + content + "\"", token.get("id"));
            JsonNode special = token.get("special");
            if (special != null && !special.isNull() && !special.isBoolean()) {
                throw new InvalidTokenizerException(location, "added_tokens[" + index + "] \"special\" must be true "
                        + "or false, but is " + special);
            }
            added.put(content, id);
        }
        return added;
    }

    private static int requireId(String location, String entry, JsonNode id) throws InvalidTokenizerException {
        if (id == null || !id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
            throw new InvalidTokenizerException(location, entry + " needs a token id between 0 and "
                    + Integer.MAX_VALUE + ", but has " + (id == null ? "none" : abbreviate(id)));
        }
        return id.intValue();
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
