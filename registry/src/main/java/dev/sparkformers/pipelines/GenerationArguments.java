package dev.sparkformers.pipelines;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Typed generation arguments from text, for settings that arrive as strings (command-line
 * options, Spark job parameters): {@code "8"} becomes the number 8, {@code "true"} a boolean and
 * {@code "[1, 2]"} a list, as {@link dev.sparkformers.generation.GenerationConfig#update} needs
 * them. Text that is not a JSON value, such as {@code never}, stays a string.
 */
public final class GenerationArguments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GenerationArguments() {}

    /** Returns {@code arguments} with every string value parsed as a JSON value where it is one. */
    public static Map<String, Object> typed(Map<String, ?> arguments) {
        Map<String, Object> typed = new LinkedHashMap<>();
        arguments.forEach((key, value) -> typed.put(key, value instanceof String text ? parse(text) : value));
        return typed;
    }

    private static Object parse(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node == null || node.isMissingNode() ? text : node;
        } catch (JsonProcessingException e) {
            return text;
        }
    }
}
