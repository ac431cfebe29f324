package dev.sparkformers.jobs;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A job configuration file: a YAML (or JSON) mapping from a command's long option names, without
 * their leading dashes, to values, so that {@code batch-tokens: 4096} means {@code --batch-tokens
 * 4096}. Underscores may stand for dashes ({@code batch_tokens}). Options given on the command line
 * override the file; {@code conf} is a mapping of Spark settings merged under {@code --conf}.
 *
 * <p>The whole file is checked against the command before the job starts: an unknown key, or a
 * value of the wrong kind, fails with the file, the key and what is expected.
 */
final class JobConfigFile {

    /** Option names that a file may not set: they act at once rather than hold a value. */
    private static final Set<String> NOT_SETTABLE = Set.of("help", "version", "config");

    /** A job configuration is a few hundred bytes; a larger file is rejected before it is read. */
    static final long MAX_BYTES = 1 << 20;

    private static final String SPARK_SETTINGS_KEY = "conf";

    private final String location;
    private final Map<String, JsonNode> values;
    private final Map<OptionSpec, Boolean> flags = new LinkedHashMap<>();

    private JobConfigFile(String location, Map<String, JsonNode> values) {
        this.location = location;
        this.values = values;
    }

    /**
     * Reads the file at {@code location}, a local path or Hadoop URI. Hadoop settings come from
     * {@code spark.hadoop.*} keys in the Spark configuration of this JVM (what spark-submit set) and
     * in {@code sparkSettings}, the command line's {@code --conf} pairs, so that a file on s3a can be
     * read with the same credentials and endpoint as the corpus.
     */
    static JobConfigFile read(String location, Map<String, String> sparkSettings) throws IOException {
        Path path = new Path(location);
        FileSystem fs = path.getFileSystem(HadoopSettings.configuration(sparkSettings));
        if (!fs.exists(path)) {
            throw new IOException("Config file " + location + " does not exist");
        }
        FileStatus status = fs.getFileStatus(path);
        if (status.isDirectory()) {
            throw new IOException("Config file " + location + " is a directory; give the YAML file itself");
        }
        if (status.getLen() > MAX_BYTES) {
            throw new IOException("Config file " + location + " has " + status.getLen() + " bytes, more than the "
                    + MAX_BYTES + " a job configuration may have");
        }
        try (FSDataInputStream in = fs.open(path)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), location);
        }
    }

    /** Parses {@code text}, the contents of {@code location}. */
    static JobConfigFile parse(String text, String location) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("Config file " + location + " is not valid YAML: "
                    + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new JobConfigFile(location, Map.of());
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("Config file " + location + " must be a mapping of option names to"
                    + " values (for example 'batch-tokens: 4096'), but its top level is a " + kind(root));
        }

        Map<String, JsonNode> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey().replace('_', '-');
            if (values.put(key, field.getValue()) != null) {
                throw new IllegalArgumentException("Config file " + location + " sets '" + key
                        + "' twice (dashes and underscores name the same option); keep one");
            }
        }
        return new JobConfigFile(location, values);
    }

    /**
     * Checks every key and value against the options of {@code job}'s command and makes the values
     * its defaults, which the command line then overrides. Call {@link #complete} after parsing.
     *
     * @throws IllegalArgumentException naming the file, the key and the fix for the first problem
     */
    void applyTo(CommandLine job) {
        CommandSpec command = job.getCommandSpec();
        Map<String, OptionSpec> options = new LinkedHashMap<>();
        for (OptionSpec option : command.options()) {
            String name = option.longestName().replaceFirst("^--?", "");
            if (!NOT_SETTABLE.contains(name)) {
                options.put(name, option);
            }
        }

        Map<OptionSpec, String> defaults = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : values.entrySet()) {
            String key = entry.getKey();
            OptionSpec option = options.get(key);
            if (option == null) {
                throw new IllegalArgumentException("Config file " + location + ": '" + key + "' is not an option of "
                        + command.qualifiedName() + "; the keys are its long option names without dashes: "
                        + String.join(", ", new TreeSet<>(options.keySet())));
            }
            if (key.equals(SPARK_SETTINGS_KEY)) {
                sparkSettings(); // checked now, so that a bad setting fails before any work
                continue;
            }
            String value = render(key, entry.getValue(), option);
            if (value != null) {
                defaults.put(option, value);
            }
        }
        // Picocli reads a negatable flag against its default (--no-x sets true when the default is
        // true), so those values are set after parsing instead, where the command line left them.
        defaults.keySet().removeIf(option -> {
            if (option.negatable()) {
                flags.put(option, Boolean.valueOf(defaults.get(option)));
                return true;
            }
            return false;
        });
        job.setDefaultValueProvider(argument -> argument instanceof OptionSpec option ? defaults.get(option) : null);
    }

    /**
     * Sets the file's negatable flags that the command line did not give, and adds the file's Spark
     * settings under the command line's {@code --conf} pairs.
     *
     * @param job the parse result of the command passed to {@link #applyTo}
     */
    void complete(ParseResult job) {
        flags.forEach((option, value) -> {
            if (!job.hasMatchedOption(option)) {
                option.setValue(value);
            }
        });
        OptionSpec conf = job.commandSpec().findOption("--" + SPARK_SETTINGS_KEY);
        if (conf != null) {
            Map<String, String> settings = conf.getValue();
            sparkSettings().forEach(settings::putIfAbsent);
        }
    }

    /** Returns the {@code conf} mapping of Spark settings in file order, empty when the file has none. */
    Map<String, String> sparkSettings() {
        JsonNode node = values.get(SPARK_SETTINGS_KEY);
        Map<String, String> settings = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return settings;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("Config file " + location + ": 'conf' must be a mapping of Spark"
                    + " settings (for example 'spark.executor.memory: 4g'), but is a " + kind(node));
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                throw new IllegalArgumentException("Config file " + location + ": conf '" + field.getKey()
                        + "' must be a single value, but is a " + kind(field.getValue()));
            }
            settings.put(field.getKey(), field.getValue().asText());
        }
        return settings;
    }

    /**
     * Returns the value of {@code key} as the text picocli would read on a command line, after
     * checking that its kind fits the option. A YAML null gives null, which keeps the option's default.
     */
    private String render(String key, JsonNode node, OptionSpec option) {
        if (node.isNull()) {
            return null;
        }
        Class<?> type = option.type();
        if (option.isMultiValue()) {
            List<JsonNode> items = new ArrayList<>();
            if (node.isArray()) {
                node.forEach(items::add);
            } else {
                items.add(node);
            }
            String separator = option.splitRegex().isEmpty() ? null : ",";
            if (items.size() > 1 && separator == null) {
                throw invalid(key, node, "a single value");
            }
            List<String> texts = new ArrayList<>();
            for (JsonNode item : items) {
                if (!item.isValueNode() || item.isNull()) {
                    throw invalid(key, node, "a list of values");
                }
                if (separator != null && item.asText().contains(separator)) {
                    throw invalid(key, node, "a list of values without commas");
                }
                texts.add(item.asText());
            }
            return String.join(",", texts);
        }
        if (type == boolean.class || type == Boolean.class) {
            if (!node.isBoolean()) {
                throw invalid(key, node, "true or false");
            }
            return node.asText();
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            if (!node.isIntegralNumber()) {
                throw invalid(key, node, "a whole number");
            }
            return node.asText();
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            if (!node.isNumber()) {
                throw invalid(key, node, "a number");
            }
            return node.asText();
        }
        if (!node.isValueNode()) {
            throw invalid(key, node, "a single value");
        }
        return node.asText();
    }

    private IllegalArgumentException invalid(String key, JsonNode node, String expected) {
        String actual = node.isValueNode() ? "'" + node.asText() + "'" : "a " + kind(node);
        return new IllegalArgumentException("Config file " + location + ": '" + key + "' must be " + expected
                + ", but is " + actual);
    }

    private static String kind(JsonNode node) {
        if (node.isObject()) {
            return "mapping";
        }
        if (node.isArray()) {
            return "list";
        }
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
