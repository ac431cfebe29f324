package dev.sparkformers.onnx;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The settings of a {@code BertTokenizer}, read from a HuggingFace tokenizer.json with a WordPiece
 * model.
 *
 * <p>Lowercasing, accent stripping and Chinese-character handling come from the normalizer. Each
 * special token comes from the part of tokenizer.json that uses it (unknown token from the model,
 * {@code [CLS]} and {@code [SEP]} from the post-processor template, padding from the padding
 * settings), falls back to BERT's standard name, and is kept only if tokenizer.json lists it as
 * an added special token.
 *
 * @param vocab the WordPiece vocabulary in id order
 * @param doLowerCase whether the normalizer lowercases
 * @param stripAccents the normalizer's {@code strip_accents}: null means "same as lowercasing"
 * @param tokenizeChineseChars whether the normalizer puts spaces around CJK characters
 * @param cleanUpTokenizationSpaces whether decoding removes spaces before punctuation
 * @param specialTokens special tokens by {@code transformers} attribute name ({@code cls_token},
 *     ...), sorted by name
 * @param padTokenId the pad token's id
 */
record BertTokenizerSettings(List<String> vocab, boolean doLowerCase, Boolean stripAccents,
        boolean tokenizeChineseChars, boolean cleanUpTokenizationSpaces, Map<String, String> specialTokens,
        int padTokenId) {

    /** Maximum vocabulary size accepted. */
    static final int MAX_VOCAB_SIZE = 10_000_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    BertTokenizerSettings {
        vocab = Collections.unmodifiableList(vocab);
        specialTokens = Collections.unmodifiableMap(new TreeMap<>(specialTokens));
    }

    /**
     * Reads {@code file}.
     *
     * @throws InvalidTokenizerException if it is not JSON, its model is not WordPiece, its vocabulary
     *     ids are not 0 to n - 1, or it has no pad token
     */
    static BertTokenizerSettings read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new InvalidTokenizerException(file, "is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidTokenizerException(file, "is not a JSON object; expected a HuggingFace tokenizer.json");
        }
        JsonNode model = root.path("model");
        if (!model.path("type").asText("").equals("WordPiece")) {
            throw new InvalidTokenizerException(file, "has model type '" + model.path("type").asText("") + "'; only"
                    + " WordPiece tokenizers (BERT) can be imported");
        }

        List<String> vocab = vocab(file, model.path("vocab"));
        JsonNode normalizer = root.path("normalizer");
        boolean lowercase = normalizerFlag(normalizer, "lowercase", "Lowercase");
        Boolean stripAccents = stripAccents(normalizer);
        boolean chineseChars = normalizerFlag(normalizer, "handle_chinese_chars", null);
        JsonNode decoder = root.path("decoder");
        boolean cleanup = !decoder.path("type").asText("").equals("WordPiece") || decoder.path("cleanup").asBoolean(true);

        Map<String, Integer> added = addedSpecialTokens(root.path("added_tokens"));
        Map<String, String> special = new LinkedHashMap<>();
        putIfAdded(special, added, "unk_token", textOr(model.path("unk_token"), "[UNK]"));
        putIfAdded(special, added, "cls_token", templateToken(root.path("post_processor"), true).orElse("[CLS]"));
        putIfAdded(special, added, "sep_token", templateToken(root.path("post_processor"), false).orElse("[SEP]"));
        putIfAdded(special, added, "pad_token", textOr(root.path("padding").path("pad_token"), "[PAD]"));
        putIfAdded(special, added, "mask_token", "[MASK]");
        if (!special.containsKey("pad_token")) {
            throw new InvalidTokenizerException(file, "has no pad token among its added special tokens "
                    + added.keySet() + "; pad_token_id cannot be set");
        }
        int padTokenId = added.get(special.get("pad_token"));
        return new BertTokenizerSettings(vocab, lowercase, stripAccents, chineseChars, cleanup, special, padTokenId);
    }

    /** Returns the vocabulary in id order, after checking that the ids are exactly 0 to n - 1. */
    private static List<String> vocab(Path file, JsonNode vocabNode) throws InvalidTokenizerException {
        if (!vocabNode.isObject() || vocabNode.isEmpty()) {
            throw new InvalidTokenizerException(file, "has no WordPiece vocabulary (model.vocab)");
        }
        if (vocabNode.size() > MAX_VOCAB_SIZE) {
            throw new InvalidTokenizerException(file, "has " + vocabNode.size() + " vocabulary entries; at most "
                    + MAX_VOCAB_SIZE + " are accepted");
        }
        String[] tokens = new String[vocabNode.size()];
        Iterator<Map.Entry<String, JsonNode>> entries = vocabNode.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            JsonNode id = entry.getValue();
            if (!id.canConvertToInt() || !id.isIntegralNumber() || id.intValue() < 0 || id.intValue() >= tokens.length) {
                throw new InvalidTokenizerException(file, "vocabulary token '" + entry.getKey() + "' has id " + id
                        + "; ids must be 0 to " + (tokens.length - 1));
            }
            if (tokens[id.intValue()] != null) {
                throw new InvalidTokenizerException(file, "vocabulary tokens '" + tokens[id.intValue()] + "' and '"
                        + entry.getKey() + "' share id " + id);
            }
            if (entry.getKey().contains("\n") || entry.getKey().contains("\r")) {
                throw new InvalidTokenizerException(file, "vocabulary token with id " + id + " contains a line"
                        + " break, which vocab.txt cannot store");
            }
            tokens[id.intValue()] = entry.getKey();
        }
        // n distinct ids in [0, n) leave no gaps, so every slot is filled.
        return new ArrayList<>(Arrays.asList(tokens));
    }

    /**
     * Reads a boolean option of a {@code BertNormalizer}, or of a {@code Sequence} containing one; a
     * standalone normalizer of type {@code standaloneType} also sets it.
     */
    private static boolean normalizerFlag(JsonNode normalizer, String option, String standaloneType) {
        for (JsonNode step : normalizerSteps(normalizer)) {
            String type = step.path("type").asText("");
            if (type.equals("BertNormalizer") && step.path(option).asBoolean(true)) {
                return true;
            }
            if (type.equals(standaloneType)) {
                return true;
            }
        }
        return false;
    }

    private static Boolean stripAccents(JsonNode normalizer) {
        for (JsonNode step : normalizerSteps(normalizer)) {
            String type = step.path("type").asText("");
            if (type.equals("StripAccents")) {
                return true;
            }
            if (type.equals("BertNormalizer") && step.path("strip_accents").isBoolean()) {
                return step.path("strip_accents").booleanValue();
            }
        }
        return null;
    }

    private static List<JsonNode> normalizerSteps(JsonNode normalizer) {
        List<JsonNode> steps = new ArrayList<>();
        if (normalizer.path("type").asText("").equals("Sequence")) {
            normalizer.path("normalizers").forEach(steps::add);
        } else if (normalizer.isObject()) {
            steps.add(normalizer);
        }
        return steps;
    }

    /** Returns the special tokens that tokenizer.json marks {@code "special": true}, with their ids. */
    private static Map<String, Integer> addedSpecialTokens(JsonNode addedTokens) {
        Map<String, Integer> tokens = new LinkedHashMap<>();
        for (JsonNode token : addedTokens) {
            if (token.path("special").asBoolean(false) && token.path("content").isTextual()
                    && token.path("id").canConvertToInt()) {
                tokens.put(token.path("content").textValue(), token.path("id").intValue());
            }
        }
        return tokens;
    }

    /** Returns the first ({@code first}) or last special token of the single-sequence template. */
    private static Optional<String> templateToken(JsonNode postProcessor, boolean first) {
        String type = postProcessor.path("type").asText("");
        if (type.equals("BertProcessing")) {
            JsonNode pair = postProcessor.path(first ? "cls" : "sep");
            return pair.path(0).isTextual() ? Optional.of(pair.path(0).textValue()) : Optional.empty();
        }
        if (!type.equals("TemplateProcessing")) {
            return Optional.empty();
        }
        List<String> specials = new ArrayList<>();
        for (JsonNode piece : postProcessor.path("single")) {
            JsonNode id = piece.path("SpecialToken").path("id");
            if (id.isTextual()) {
                specials.add(id.textValue());
            }
        }
        if (specials.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(first ? specials.get(0) : specials.get(specials.size() - 1));
    }

    private static void putIfAdded(Map<String, String> special, Map<String, Integer> added, String role, String token) {
        if (added.containsKey(token)) {
            special.put(role, token);
        }
    }

    private static String textOr(JsonNode node, String fallback) {
        return node.isTextual() ? node.textValue() : fallback;
    }
}
