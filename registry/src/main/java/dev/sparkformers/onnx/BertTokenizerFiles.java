package dev.sparkformers.onnx;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the tokenizer files of a BERT checkpoint: a copy of tokenizer.json, the WordPiece
 * vocab.txt that {@code BertTokenizer} reads, tokenizer_config.json and special_tokens_map.json.
 */
final class BertTokenizerFiles {

    static final String TOKENIZER_FILE = "tokenizer.json";
    static final String VOCAB_FILE = "vocab.txt";
    static final String TOKENIZER_CONFIG_FILE = "tokenizer_config.json";
    static final String SPECIAL_TOKENS_FILE = "special_tokens_map.json";

    private BertTokenizerFiles() {}

    /**
     * Writes the four files into {@code directory}.
     *
     * @param tokenizerJson the tokenizer.json the settings were read from, copied byte for byte
     * @param modelMaxLength {@code model_max_length}: the longest input the model accepts, in tokens
     */
    static void write(Path directory, Path tokenizerJson, BertTokenizerSettings settings, int modelMaxLength)
            throws IOException {
        Files.copy(tokenizerJson, directory.resolve(TOKENIZER_FILE));

        try (BufferedWriter vocab = Files.newBufferedWriter(directory.resolve(VOCAB_FILE), StandardCharsets.UTF_8)) {
            for (String token : settings.vocab()) {
                vocab.write(token);
                vocab.write('\n');
            }
        }

        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode config = nodes.objectNode();
        config.put("clean_up_tokenization_spaces", settings.cleanUpTokenizationSpaces());
        putSpecialToken(config, settings.specialTokens(), "cls_token");
        config.put("do_basic_tokenize", true);
        config.put("do_lower_case", settings.doLowerCase());
        putSpecialToken(config, settings.specialTokens(), "mask_token");
        config.put("model_max_length", modelMaxLength);
        config.putNull("never_split");
        putSpecialToken(config, settings.specialTokens(), "pad_token");
        putSpecialToken(config, settings.specialTokens(), "sep_token");
        if (settings.stripAccents() == null) {
            config.putNull("strip_accents");
        } else {
            config.put("strip_accents", settings.stripAccents());
        }
        config.put("tokenize_chinese_chars", settings.tokenizeChineseChars());
        config.put("tokenizer_class", "BertTokenizer");
        putSpecialToken(config, settings.specialTokens(), "unk_token");
        JsonFiles.write(directory.resolve(TOKENIZER_CONFIG_FILE), config);

        ObjectNode specialTokens = nodes.objectNode();
        settings.specialTokens().forEach(specialTokens::put);
        JsonFiles.write(directory.resolve(SPECIAL_TOKENS_FILE), specialTokens);
    }

    private static void putSpecialToken(ObjectNode config, Map<String, String> specialTokens, String role) {
        String token = specialTokens.get(role);
        if (token != null) {
            config.put(role, token);
        }
    }
}
