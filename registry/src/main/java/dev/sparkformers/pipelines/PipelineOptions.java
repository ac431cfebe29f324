package dev.sparkformers.pipelines;

import dev.sparkformers.modeling.LoadOptions;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How {@link Pipelines#create} builds a pipeline: the model's {@link LoadOptions} and the task's
 * construction settings, such as the labels of an embedding classifier. Call parameters
 * ({@code top_k}, {@code max_new_tokens}, ...) are not settings; they go to each call and through
 * {@link Pipeline#sanitizeParameters}. A factory ignores settings it does not read, so one map
 * can carry the settings of a Spark job's model handle.
 *
 * @param load device, strictness and seed of the model load
 * @param settings construction settings by name
 */
public record PipelineOptions(LoadOptions load, Map<String, String> settings) {

    public PipelineOptions {
        Objects.requireNonNull(load, "load options are null");
        settings = Map.copyOf(new TreeMap<>(settings));
    }

    /** Default load options and no settings. */
    public static PipelineOptions defaults() {
        return new PipelineOptions(LoadOptions.defaults(), Map.of());
    }

    /** These options with {@code key} set to {@code value}. */
    public PipelineOptions withSetting(String key, String value) {
        Map<String, String> updated = new TreeMap<>(settings);
        updated.put(key, value);
        return new PipelineOptions(load, updated);
    }

    /** A setting, or null when it is absent. */
    public String setting(String key) {
        return settings.get(key);
    }
}
