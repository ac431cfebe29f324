package dev.sparkformers.tokenization;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkformers.runtime.DjlRuntime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads tokenizers from HuggingFace checkpoint directories, as transformers'
 * {@code AutoTokenizer.from_pretrained(path)} with a fast tokenizer.
 *
 * <p>A directory needs {@code tokenizer.json}. {@code tokenizer_config.json} and
 * {@code special_tokens_map.json} are read when present. Slow-tokenizer files alone
 * ({@code vocab.txt}, {@code vocab.json} and {@code merges.txt}, {@code spiece.model}) are not
 * enough; transformers converts them, and this class does not.
 */
public final class AutoTokenizer {

    /** Config keys that the loader reads; overrides with other keys are ignored with a warning. */
    private static final Set<String> KNOWN_KEYS = Set.of("model_max_length", "max_len", "padding_side",
            "truncation_side", "clean_up_tokenization_spaces", "add_prefix_space", "additional_special_tokens",
            "tokenizer_class", "bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token",
            "mask_token");

    private static final Logger LOG = LoggerFactory.getLogger(AutoTokenizer.class);

    private AutoTokenizer() {}

    /**
     * Loads the tokenizer of a checkpoint directory.
     *
     * @param directory a directory with {@code tokenizer.json}
     * @throws InvalidTokenizerException if a file is missing, malformed or unsupported, naming the
     *     file and the problem
     * @throws IOException if a file cannot be read
     */
    public static PreTrainedTokenizer fromPretrained(Path directory) throws IOException {
        return fromPretrained(directory, Map.of());
    }

    /**
     * Loads the tokenizer of a checkpoint directory, with settings that replace those of
     * {@code tokenizer_config.json} and {@code special_tokens_map.json}, as the keyword arguments
     * of transformers' {@code from_pretrained}. For example {@code Map.of("pad_token",
     * "<|endoftext|>", "padding_side", "left")} prepares GPT-2 for batched generation.
     *
     * @param overrides {@code tokenizer_config.json} keys and their values: strings, booleans,
     *     numbers, null, or maps for AddedToken objects
     * @throws IllegalArgumentException if an override has an invalid value
     * @throws InvalidTokenizerException if a file is missing, malformed or unsupported
     * @throws IOException if a file cannot be read
     */
    public static PreTrainedTokenizer fromPretrained(Path directory, Map<String, ?> overrides) throws IOException {
        DjlRuntime.ensureOffline();
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(overrides, "overrides");
        TokenizerConfig.Source overrideSource = checkOverrides(overrides);

        // Settings first: they are small, and errors in them are cheaper to report than native ones.
        Path tokenizerFile = TokenizerFiles.requireTokenizerFile(directory);
        TokenizerConfig config = TokenizerConfig.resolve(
                readOptional(directory.resolve(TokenizerFiles.TOKENIZER_CONFIG_FILE)),
                readOptional(directory.resolve(TokenizerFiles.SPECIAL_TOKENS_MAP_FILE)),
                overrideSource);

        // Validate tokenizer.json in Java before the native library reads it.
        ObjectNode root = TokenizerFiles.readJsonObject(tokenizerFile, TokenizerFiles.MAX_TOKENIZER_JSON_BYTES);
        TokenizerJson tokenizerJson = TokenizerJson.parse(tokenizerFile.toString(), root);
        TokenizerJson.Prepared prepared = tokenizerJson.prepare(config);

        NativeTokenizer nativeTokenizer = NativeTokenizer.create(tokenizerFile.toString(), prepared.json());
        try {
            checkAddedSpecialTokenIds(tokenizerFile, nativeTokenizer, prepared.addedSpecialTokens());
        } catch (InvalidTokenizerException | RuntimeException e) {
            nativeTokenizer.close();
            throw e;
        }

        PreTrainedTokenizer tokenizer = new PreTrainedTokenizer(directory, tokenizerJson.modelType(), config,
                prepared.vocabulary(), nativeTokenizer);
        LOG.info("Loaded tokenizer from {}: {} model, vocab size {}, model_max_length {}, tokenizer_class {}",
                directory, tokenizer.modelType(), tokenizer.vocabSize(),
                tokenizer.hasModelMaxLength() ? tokenizer.modelMaxLength() : "unbounded",
                tokenizer.tokenizerClass().orElse("not set"));
        return tokenizer;
    }

    private static TokenizerConfig.Source checkOverrides(Map<String, ?> overrides) {
        ObjectNode values;
        try {
            values = TokenizerFiles.JSON.valueToTree(overrides);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("overrides must map config keys to strings, booleans, numbers, "
                    + "null or maps: " + e.getMessage(), e);
        }
        Set<String> unknown = new TreeSet<>(overrides.keySet());
        unknown.removeAll(KNOWN_KEYS);
        if (!unknown.isEmpty()) {
            LOG.warn("Ignoring tokenizer overrides {}: they are not settings that the tokenizer loader reads; "
                    + "known keys are {}", unknown, new TreeSet<>(KNOWN_KEYS));
        }

        // Resolving the overrides alone reports a bad value as the caller's error, not a file's.
        TokenizerConfig.Source source = new TokenizerConfig.Source("overrides", values);
        TokenizerConfig.Source none = new TokenizerConfig.Source("none", TokenizerFiles.JSON.createObjectNode());
        try {
            TokenizerConfig.resolve(none, none, source);
        } catch (InvalidTokenizerException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return source;
    }

    private static TokenizerConfig.Source readOptional(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new TokenizerConfig.Source(file.toString(), TokenizerFiles.JSON.createObjectNode());
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidTokenizerException(file.toString(), "is not a regular file");
        }
        return new TokenizerConfig.Source(file.toString(),
                TokenizerFiles.readJsonObject(file, TokenizerFiles.MAX_CONFIG_JSON_BYTES));
    }

    /**
     * Checks that the native library gave special tokens registered at load the ids that the Java
     * vocabulary expects, so that look-ups and encodings agree.
     */
    private static void checkAddedSpecialTokenIds(Path tokenizerFile, NativeTokenizer nativeTokenizer,
            Map<String, Integer> addedSpecialTokens) throws InvalidTokenizerException {
        for (Map.Entry<String, Integer> entry : addedSpecialTokens.entrySet()) {
            long[] ids = nativeTokenizer.encode(entry.getKey(), null, false, null).inputIds();
            if (ids.length != 1 || ids[0] != entry.getValue()) {
                throw new InvalidTokenizerException(tokenizerFile.toString(), "special token '" + entry.getKey()
                        + "' from the tokenizer config was expected to get id " + entry.getValue()
                        + " but encodes as " + Arrays.toString(ids) + "; add it to added_tokens of "
                        + TokenizerFiles.TOKENIZER_FILE + " with its id");
            }
        }
    }
}
