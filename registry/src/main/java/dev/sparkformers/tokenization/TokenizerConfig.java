package dev.sparkformers.tokenization;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings that HuggingFace transformers reads from {@code tokenizer_config.json},
 * {@code special_tokens_map.json} and the keyword arguments of {@code from_pretrained}.
 *
 * <p>Precedence follows transformers 4.x: a load-time override wins; for special tokens,
 * {@code special_tokens_map.json} comes next unless {@code tokenizer_config.json} has an
 * {@code added_tokens_decoder} (newer saves, where transformers skips the map); then
 * {@code tokenizer_config.json}; then the defaults. Keys this class does not know are ignored, as
 * transformers ignores keys its tokenizer class does not take.
 */
final class TokenizerConfig {

    /**
     * {@link #modelMaxLength()} of a tokenizer without a limit. transformers stores
     * {@code int(1e30)} there and treats anything above {@code 1e20} as "no limit"; in Java any
     * value above {@code Integer.MAX_VALUE} means the same, since no sequence can be longer.
     */
    static final int UNBOUNDED_MODEL_MAX_LENGTH = Integer.MAX_VALUE;

    private static final String MODEL_MAX_LENGTH = "model_max_length";
    private static final String LEGACY_MAX_LENGTH = "max_len";
    private static final String PADDING_SIDE = "padding_side";
    private static final String TRUNCATION_SIDE = "truncation_side";
    private static final String CLEAN_UP_TOKENIZATION_SPACES = "clean_up_tokenization_spaces";
    private static final String ADD_PREFIX_SPACE = "add_prefix_space";
    private static final String ADDITIONAL_SPECIAL_TOKENS = "additional_special_tokens";
    private static final String ADDED_TOKENS_DECODER = "added_tokens_decoder";
    private static final String TOKENIZER_CLASS = "tokenizer_class";

    private final int modelMaxLength;
    private final Side paddingSide;
    private final Side truncationSide;
    private final boolean cleanUpTokenizationSpaces;
    private final Boolean addPrefixSpace;
    private final Map<SpecialToken, AddedToken> specialTokens;
    private final List<AddedToken> additionalSpecialTokens;
    private final String tokenizerClass;

    private TokenizerConfig(int modelMaxLength, Side paddingSide, Side truncationSide,
            boolean cleanUpTokenizationSpaces, Boolean addPrefixSpace, Map<SpecialToken, AddedToken> specialTokens,
            List<AddedToken> additionalSpecialTokens, String tokenizerClass) {
        this.modelMaxLength = modelMaxLength;
        this.paddingSide = paddingSide;
        this.truncationSide = truncationSide;
        this.cleanUpTokenizationSpaces = cleanUpTokenizationSpaces;
        this.addPrefixSpace = addPrefixSpace;
        this.specialTokens = Collections.unmodifiableMap(specialTokens);
        this.additionalSpecialTokens = List.copyOf(additionalSpecialTokens);
        this.tokenizerClass = tokenizerClass;
    }

    /**
     * One source of settings: a parsed file, or the overrides.
     *
     * @param location the file path, or a description such as "overrides", for error messages
     * @param values the settings; an empty object when the file does not exist
     */
    record Source(String location, ObjectNode values) {}

    /**
     * Resolves the settings from their sources.
     *
     * @param tokenizerConfig {@code tokenizer_config.json}
     * @param specialTokensMap {@code special_tokens_map.json}
     * @param overrides load-time overrides, keyed like {@code tokenizer_config.json}
     * @throws InvalidTokenizerException naming the source and key of the first invalid value
     */
    static TokenizerConfig resolve(Source tokenizerConfig, Source specialTokensMap, Source overrides)
            throws InvalidTokenizerException {
        List<Source> general = List.of(overrides, tokenizerConfig);
        List<Source> special = tokenizerConfig.values().has(ADDED_TOKENS_DECODER)
                ? general
                : List.of(overrides, specialTokensMap, tokenizerConfig);

        int modelMaxLength = parseModelMaxLength(general);
        Side paddingSide = parseSide(general, PADDING_SIDE);
        Side truncationSide = parseSide(general, TRUNCATION_SIDE);
        Boolean cleanUp = parseBoolean(general, CLEAN_UP_TOKENIZATION_SPACES);
        Boolean addPrefixSpace = parseBoolean(general, ADD_PREFIX_SPACE);

        Map<SpecialToken, AddedToken> specialTokens = new EnumMap<>(SpecialToken.class);
        for (SpecialToken kind : SpecialToken.values()) {
            Setting setting = lookup(special, kind.configKey());
            AddedToken token = setting == null ? null : parseAddedToken(setting.value(), setting, kind.configKey());
            if (token != null) {
                specialTokens.put(kind, token);
            }
        }
        List<AddedToken> additional = parseAdditionalSpecialTokens(lookup(special, ADDITIONAL_SPECIAL_TOKENS));

        Setting tokenizerClassSetting = lookup(general, TOKENIZER_CLASS);
        String tokenizerClass = null;
        if (tokenizerClassSetting != null && !tokenizerClassSetting.value().isNull()) {
            tokenizerClass = requireText(tokenizerClassSetting, TOKENIZER_CLASS);
        }

        // transformers >= 4.45 defaults clean_up_tokenization_spaces to false; earlier 4.x versions
        // defaulted to true. The fixtures and most saved configs set it explicitly.
        return new TokenizerConfig(modelMaxLength, paddingSide, truncationSide, cleanUp != null && cleanUp,
                addPrefixSpace, specialTokens, additional, tokenizerClass);
    }

    /** Returns the maximum sequence length of the model, or {@link #UNBOUNDED_MODEL_MAX_LENGTH}. */
    int modelMaxLength() {
        return modelMaxLength;
    }

    /** Returns whether the config sets a usable model_max_length. */
    boolean hasModelMaxLength() {
        return modelMaxLength != UNBOUNDED_MODEL_MAX_LENGTH;
    }

    Side paddingSide() {
        return paddingSide;
    }

    Side truncationSide() {
        return truncationSide;
    }

    boolean cleanUpTokenizationSpaces() {
        return cleanUpTokenizationSpaces;
    }

    /** Returns the {@code add_prefix_space} setting, or empty when no source sets it. */
    Optional<Boolean> addPrefixSpace() {
        return Optional.ofNullable(addPrefixSpace);
    }

    /** Returns the named special tokens that are set. A missing or null entry is absent. */
    Map<SpecialToken, AddedToken> specialTokens() {
        return specialTokens;
    }

    List<AddedToken> additionalSpecialTokens() {
        return additionalSpecialTokens;
    }

    /** Returns the {@code tokenizer_class} named by the config, for example {@code "BertTokenizer"}. */
    Optional<String> tokenizerClass() {
        return Optional.ofNullable(tokenizerClass);
    }

    /** Returns every special token, named ones first, without duplicates, as transformers' {@code all_special_tokens}. */
    List<AddedToken> allSpecialTokens() {
        List<AddedToken> all = new ArrayList<>(specialTokens.values());
        for (AddedToken token : additionalSpecialTokens) {
            if (all.stream().noneMatch(existing -> existing.content().equals(token.content()))) {
                all.add(token);
            }
        }
        return all;
    }

    /** A value together with the source it came from. */
    private record Setting(JsonNode value, String location) {}

    private static Setting lookup(List<Source> sources, String key) {
        for (Source source : sources) {
            if (source.values().has(key)) {
                return new Setting(source.values().get(key), source.location());
            }
        }
        return null;
    }

    private static int parseModelMaxLength(List<Source> sources) throws InvalidTokenizerException {
        Setting setting = lookup(sources, MODEL_MAX_LENGTH);
        String key = MODEL_MAX_LENGTH;
        if (setting == null) {
            // transformers still accepts the pre-4.0 name.
            setting = lookup(sources, LEGACY_MAX_LENGTH);
            key = LEGACY_MAX_LENGTH;
        }
        if (setting == null || setting.value().isNull()) {
            return UNBOUNDED_MODEL_MAX_LENGTH;
        }

        JsonNode value = setting.value();
        if (value.isIntegralNumber()) {
            BigInteger length = value.bigIntegerValue();
            if (length.signum() <= 0) {
                throw invalid(setting, key, "must be a positive number of tokens, but is " + length);
            }
            return length.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) >= 0
                    ? UNBOUNDED_MODEL_MAX_LENGTH
                    : length.intValue();
        }
        if (value.isFloatingPointNumber()) {
            double length = value.doubleValue();
            if (length >= Integer.MAX_VALUE) {
                return UNBOUNDED_MODEL_MAX_LENGTH;
            }
            if (length > 0 && length == Math.rint(length)) {
                return (int) length;
            }
            throw invalid(setting, key, "must be a positive whole number of tokens, but is " + value);
        }
        throw invalid(setting, key, "must be a number, but is " + TokenizerFiles.describeType(value));
    }

    private static Side parseSide(List<Source> sources, String key) throws InvalidTokenizerException {
        Setting setting = lookup(sources, key);
        if (setting == null) {
            return Side.RIGHT;
        }
        if (!setting.value().isTextual()) {
            throw invalid(setting, key, "must be 'left' or 'right', but is " + setting.value());
        }
        try {
            return Side.fromConfigValue(setting.value().textValue());
        } catch (IllegalArgumentException e) {
            throw invalid(setting, key, "must be 'left' or 'right', but is '" + setting.value().textValue() + "'");
        }
    }

    private static Boolean parseBoolean(List<Source> sources, String key) throws InvalidTokenizerException {
        Setting setting = lookup(sources, key);
        if (setting == null || setting.value().isNull()) {
            return null;
        }
        if (!setting.value().isBoolean()) {
            throw invalid(setting, key, "must be true or false, but is " + setting.value());
        }
        return setting.value().booleanValue();
    }

    private static List<AddedToken> parseAdditionalSpecialTokens(Setting setting) throws InvalidTokenizerException {
        if (setting == null || setting.value().isNull()) {
            return List.of();
        }
        if (!setting.value().isArray()) {
            throw invalid(setting, ADDITIONAL_SPECIAL_TOKENS, "must be a list of tokens, but is "
                    + TokenizerFiles.describeType(setting.value()));
        }
        List<AddedToken> tokens = new ArrayList<>();
        for (JsonNode element : setting.value()) {
            AddedToken token = parseAddedToken(element, setting, ADDITIONAL_SPECIAL_TOKENS);
            if (token != null) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    /** Parses a string, null, or a serialized AddedToken object with a string {@code content}. */
    private static AddedToken parseAddedToken(JsonNode value, Setting setting, String key)
            throws InvalidTokenizerException {
        if (value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return AddedToken.special(value.textValue());
        }
        if (value.isObject() && value.path("content").isTextual()) {
            return new AddedToken(value.get("content").textValue(),
                    flag(value, "single_word", setting, key),
                    flag(value, "lstrip", setting, key),
                    flag(value, "rstrip", setting, key),
                    flag(value, "normalized", setting, key));
        }
        throw invalid(setting, key, "must be a string, null, or an object with a string \"content\", but is "
                + value);
    }

    private static boolean flag(JsonNode token, String name, Setting setting, String key)
            throws InvalidTokenizerException {
        JsonNode flag = token.get(name);
        if (flag == null || flag.isNull()) {
            return false;
        }
        if (!flag.isBoolean()) {
            throw invalid(setting, key, "has \"" + name + "\" " + flag + ", which must be true or false");
        }
        return flag.booleanValue();
    }

    private static String requireText(Setting setting, String key) throws InvalidTokenizerException {
        if (!setting.value().isTextual()) {
            throw invalid(setting, key, "must be a string, but is " + setting.value());
        }
        return setting.value().textValue();
    }

    private static InvalidTokenizerException invalid(Setting setting, String key, String problem) {
        return new InvalidTokenizerException(setting.location(), "\"" + key + "\" " + problem);
    }
}
