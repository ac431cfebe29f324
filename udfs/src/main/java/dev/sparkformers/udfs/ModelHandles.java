package dev.sparkformers.udfs;

import dev.sparkformers.auto.AutoConfig;

import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds {@link ModelHandle}s on the driver for the Spark ML stages and SQL functions: the model
 * is copied to a local cache when remote, and its files are fingerprinted, so that executors load
 * exactly the files the driver saw. The jobs check more (config, tokenizer, weights) before they
 * build their handle.
 */
public final class ModelHandles {

    private static final Logger LOG = LoggerFactory.getLogger(ModelHandles.class);

    private ModelHandles() {}

    /**
     * Returns the handle of the model at {@code location} for {@code task}.
     *
     * @param settings further handle settings (device, labels, ...)
     * @throws UncheckedIOException naming the location when it cannot be read
     */
    public static ModelHandle resolve(String location, String task, Map<String, String> settings,
            Configuration conf) {
        try {
            Path directory = ModelLocations.localize(location, conf);
            Map<String, String> all = new TreeMap<>(settings);
            all.put(ExecutorPipelines.TASK_SETTING, task);
            ModelHandle handle = new ModelHandle(location, ModelFingerprint.of(directory),
                    ModelFingerprint.weightBytes(directory), all);
            LOG.info("Resolved model {} for task {} (sha256 {})", location, task, handle.fingerprint());
            return handle;
        } catch (IOException e) {
            throw new UncheckedIOException("Model " + location + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Returns the width of the model's hidden states ({@code hidden_size} of its config).
     *
     * @throws IllegalArgumentException if the config has no integer hidden_size
     * @throws UncheckedIOException naming the location when it cannot be read
     */
    public static int hiddenSize(String location, Configuration conf) {
        try {
            Path directory = ModelLocations.localize(location, conf);
            var size = AutoConfig.fromPretrained(directory).get("hidden_size");
            if (!size.isInt()) {
                throw new IllegalArgumentException("Model " + location + " has no integer hidden_size in its config");
            }
            return size.asInt();
        } catch (IOException e) {
            throw new UncheckedIOException("Model " + location + " cannot be read: " + e.getMessage(), e);
        }
    }
}
