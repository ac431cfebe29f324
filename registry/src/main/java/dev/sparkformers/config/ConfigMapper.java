package dev.sparkformers.config;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * The Jackson mapper for HuggingFace JSON files (config.json, generation_config.json, ...),
 * strict about types so that a wrong value is reported instead of silently coerced.
 */
public final class ConfigMapper {

    /** Largest JSON file read, in bytes; real config files are a few kilobytes. */
    public static final long MAX_JSON_BYTES = 16L * 1024 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // Only fields annotated with @JsonProperty are config keys; accessors never are.
            .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private ConfigMapper() {}

    /** The shared mapper; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Reads {@code file} as a JSON object.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws InvalidConfigException if it is too large, not JSON, or not an object
     */
    public static JsonNode readObject(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "file not found");
        }
        long size = Files.size(file);
        if (size > MAX_JSON_BYTES) {
            throw new InvalidConfigException(file + " has " + size + " bytes, more than the limit of "
                    + MAX_JSON_BYTES + " for a JSON settings file");
        }
        return parseObject(Files.readString(file), file.toString());
    }

    /** Parses {@code json} as a JSON object; {@code source} names it in errors. */
    public static JsonNode parseObject(String json, String source) throws InvalidConfigException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new InvalidConfigException(source + " is not valid JSON: " + firstLine(e.getMessage())
                    + ". Fix the file or download it again.", e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidConfigException(source + " must contain a JSON object, but contains "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase()));
        }
        return root;
    }

    /** Binds {@code tree} to {@code type}, turning Jackson's type errors into messages that name the field. */
    public static <T> T bind(JsonNode tree, Class<T> type, String source) throws InvalidConfigException {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (InvalidFormatException e) {
            throw new InvalidConfigException(source + ": field '" + fieldPath(e) + "' has value " + e.getValue()
                    + ", which is not a valid " + simpleName(e.getTargetType()), e);
        } catch (MismatchedInputException e) {
            String field = fieldPath(e);
            JsonNode value = field.isEmpty() ? null : tree.at("/" + field.replace(".", "/"));
            throw new InvalidConfigException(source + ": field '" + field + "' has value "
                    + (value == null || value.isMissingNode() ? "of the wrong type" : value.toString())
                    + ", but a " + simpleName(e.getTargetType()) + " is expected", e);
        } catch (IOException e) {
            throw new InvalidConfigException(source + ": " + firstLine(e.getMessage()), e);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(source + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static String fieldPath(MismatchedInputException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()))
                .collect(Collectors.joining("."));
    }

    private static String simpleName(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "boolean";
        }
        if (type == String.class) {
            return "string";
        }
        if (java.util.Map.class.isAssignableFrom(type)) {
            return "JSON object";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "JSON array";
        }
        return type.getSimpleName();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
