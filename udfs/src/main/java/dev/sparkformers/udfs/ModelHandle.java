package dev.sparkformers.udfs;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What an executor needs to find and load a model, small enough to broadcast: its location, a
 * fingerprint of its files, its size, and the settings that change what is loaded.
 *
 * <p>Executors load each distinct {@link #cacheKey()} once per JVM. The fingerprint is part of the
 * key, so a model rewritten at the same location is loaded anew.
 *
 * @param location where the checkpoint lives: a local path, a Hadoop URI ({@code s3a://...},
 *     {@code hdfs://...}) or {@code builtin:all-MiniLM-L6-v2}
 * @param fingerprint SHA-256 of the checkpoint's files, or a revision that identifies them
 * @param weightBytes total size of the weight files, for the cache's byte limit
 * @param settings load and task settings (device, dtype, pooling, ...), sorted by key
 * @param shipped the checkpoint's files broadcast by the driver, for locations that executors
 *     cannot read; null when executors read {@code location} themselves
 */
public record ModelHandle(String location, String fingerprint, long weightBytes, Map<String, String> settings,
        ShippedCheckpoint shipped) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Longest setting value shown as it is in {@link #cacheKey()}. */
    private static final int MAX_KEY_VALUE_LENGTH = 256;

    public ModelHandle {
        Objects.requireNonNull(location, "location is null");
        Objects.requireNonNull(fingerprint, "fingerprint is null");
        settings = Map.copyOf(settings);
    }

    /** Creates a handle whose executors read the checkpoint from {@code location} themselves. */
    public ModelHandle(String location, String fingerprint, long weightBytes, Map<String, String> settings) {
        this(location, fingerprint, weightBytes, settings, null);
    }

    /** Returns this handle with the checkpoint shipped from the driver instead of read from its location. */
    public ModelHandle withShipped(ShippedCheckpoint newShipped) {
        return new ModelHandle(location, fingerprint, weightBytes, settings, newShipped);
    }

    /**
     * The executor cache key: location, fingerprint and the settings that change the loaded model.
     * A setting value longer than {@value #MAX_KEY_VALUE_LENGTH} characters (such as the text of a
     * labels file) appears as its SHA-256, so that keys and the logs that print them stay short.
     */
    public String cacheKey() {
        Map<String, String> shown = new TreeMap<>();
        settings.forEach((key, value) -> shown.put(key, value.length() > MAX_KEY_VALUE_LENGTH ? digest(value) : value));
        return location + "#" + fingerprint + shown;
    }

    private static String digest(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** A setting, or {@code fallback} when it is absent. */
    public String setting(String key, String fallback) {
        return settings.getOrDefault(key, fallback);
    }
}
