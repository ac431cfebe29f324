package dev.sparkformers.pipelines;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The labels of an embedding classifier, each defined by texts: example texts of the label, a
 * description of it, or both. Read from YAML or JSON:
 *
 * <pre>
 * threshold: 0.3             # optional: below this best score the label is unknown_label
 * unknown_label: unknown     # optional, default "unknown"
 * labels:
 *   noun.animal:             # a list: example texts
 *     - a domesticated carnivorous mammal
 *     - a large wild cat
 *   noun.plant: plants and their parts     # a string: a description
 *   noun.food:               # an object: a description and examples
 *     description: food and drink
 *     examples: [a baked loaf of bread]
 * </pre>
 *
 * @param labels each label's texts, in file order
 * @param threshold the best score below which the prediction is {@code unknownLabel}, or null
 * @param unknownLabel the label of predictions below the threshold
 */
public record LabelSet(Map<String, List<String>> labels, Double threshold, String unknownLabel) {

    /** The default name of the label given below the threshold. */
    public static final String DEFAULT_UNKNOWN_LABEL = "unknown";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    public LabelSet {
        Objects.requireNonNull(unknownLabel, "unknownLabel is null");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        labels.forEach((label, texts) -> copy.put(label, List.copyOf(texts)));
        labels = java.util.Collections.unmodifiableMap(copy);
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("A label set needs at least one label");
        }
        labels.forEach((label, texts) -> {
            if (texts.isEmpty()) {
                throw new IllegalArgumentException("Label '" + label + "' has no text; give it examples or a "
                        + "description");
            }
        });
        if (threshold != null && !(threshold >= -1 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be a cosine similarity between -1 and 1, but is "
                    + threshold);
        }
        if (labels.containsKey(unknownLabel)) {
            throw new IllegalArgumentException("unknown_label '" + unknownLabel + "' is also a label; rename one");
        }
    }

    /**
     * Reads a labels file; {@code .json} files are read as JSON, others as YAML (which also reads
     * JSON).
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the file and what is wrong in it
     */
    public static LabelSet read(Path file) throws IOException {
        String text = Files.readString(file);
        boolean json = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json");
        return parse(text, file.toString(), json);
    }

    /**
     * Parses the text of a labels file.
     *
     * @param source the file name or other origin, for messages
     * @param json whether the text is JSON rather than YAML
     * @throws IllegalArgumentException naming the source and what is wrong in it
     */
    public static LabelSet parse(String text, String source, boolean json) {
        JsonNode root;
        try {
            root = (json ? JSON : YAML).readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Labels file " + source + " is not valid " + (json ? "JSON" : "YAML")
                    + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("labels").isObject()) {
            throw new IllegalArgumentException("Labels file " + source + " must hold an object with a 'labels' object "
                    + "that maps each label to example texts, a description, or both");
        }
        for (Iterator<String> keys = root.fieldNames(); keys.hasNext();) {
            String key = keys.next();
            if (!List.of("labels", "threshold", "unknown_label").contains(key)) {
                throw new IllegalArgumentException("Labels file " + source + " has the unknown key '" + key
                        + "'; known keys: labels, threshold, unknown_label");
            }
        }

        Map<String, List<String>> labels = new LinkedHashMap<>();
        root.get("labels").fields().forEachRemaining(entry ->
                labels.put(entry.getKey(), texts(entry.getKey(), entry.getValue(), source)));

        Double threshold = null;
        JsonNode thresholdNode = root.get("threshold");
        if (thresholdNode != null && !thresholdNode.isNull()) {
            if (!thresholdNode.isNumber()) {
                throw new IllegalArgumentException("Labels file " + source + ": threshold must be a number, but is "
                        + thresholdNode);
            }
            threshold = thresholdNode.asDouble();
        }
        String unknown = root.path("unknown_label").asText(DEFAULT_UNKNOWN_LABEL);
        try {
            return new LabelSet(labels, threshold, unknown);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Labels file " + source + ": " + e.getMessage(), e);
        }
    }

    private static List<String> texts(String label, JsonNode value, String source) {
        List<String> texts = new ArrayList<>();
        if (value.isTextual()) {
            texts.add(value.asText());
        } else if (value.isArray()) {
            addStrings(texts, value, label, source);
        } else if (value.isObject()) {
            for (Iterator<String> keys = value.fieldNames(); keys.hasNext();) {
                String key = keys.next();
                if (!key.equals("description") && !key.equals("examples")) {
                    throw new IllegalArgumentException("Labels file " + source + ": label '" + label + "' has the "
                            + "unknown key '" + key + "'; known keys: description, examples");
                }
            }
            if (value.has("description")) {
                if (!value.get("description").isTextual()) {
                    throw new IllegalArgumentException("Labels file " + source + ": the description of label '" + label
                            + "' must be a string");
                }
                texts.add(value.get("description").asText());
            }
            if (value.has("examples")) {
                addStrings(texts, value.get("examples"), label, source);
            }
        } else {
            throw new IllegalArgumentException("Labels file " + source + ": label '" + label + "' must map to a "
                    + "description string, a list of example texts, or an object with description and examples");
        }
        texts.replaceAll(String::strip);
        texts.removeIf(String::isEmpty);
        return texts;
    }

    private static void addStrings(List<String> texts, JsonNode array, String label, String source) {
        if (!array.isArray()) {
            throw new IllegalArgumentException("Labels file " + source + ": the examples of label '" + label
                    + "' must be a list of strings");
        }
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                throw new IllegalArgumentException("Labels file " + source + ": label '" + label + "' has the "
                        + "example " + item + ", which is not a string");
            }
            texts.add(item.asText());
        }
    }

    /** The label names in file order. */
    public List<String> names() {
        return List.copyOf(labels.keySet());
    }
}
