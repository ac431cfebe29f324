package dev.sparkformers.udfs;

import dev.sparkformers.hub.BuiltinModels;

import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Turns a model location into a local checkpoint directory.
 *
 * <p>Local paths and {@code file:} URIs are used in place. {@code builtin:} names resolve to the
 * models bundled with Sparkformers. Any other URI is read through Hadoop's {@code FileSystem} (so
 * s3a, hdfs, abfs and gs work with their connectors on the classpath) and copied once into a local
 * cache by {@link RemoteCheckpoints}, which names each copy by the files' paths, lengths,
 * modification times and ETags or checksums.
 */
public final class ModelLocations {

    /** Scheme prefix of bundled models. */
    public static final String BUILTIN_PREFIX = "builtin:";

    /** The default embedding model's location. */
    public static final String DEFAULT_EMBEDDING_MODEL = BUILTIN_PREFIX + "all-MiniLM-L6-v2";

    private ModelLocations() {}

    /** Whether {@code location} is read through Hadoop rather than the local file system. */
    public static boolean isRemote(String location) {
        if (location.startsWith(BUILTIN_PREFIX)) {
            return false;
        }
        URI uri = toUri(location);
        return uri.getScheme() != null && !uri.getScheme().equalsIgnoreCase("file") && uri.getScheme().length() > 1;
    }

    /**
     * Returns a local directory holding the checkpoint at {@code location}.
     *
     * @param hadoopConf configuration for remote file systems; may be null for local locations
     */
    public static Path localize(String location, Configuration hadoopConf) throws IOException {
        if (location.startsWith(BUILTIN_PREFIX)) {
            return builtin(location.substring(BUILTIN_PREFIX.length()));
        }
        if (!isRemote(location)) {
            URI uri = toUri(location);
            Path path = uri.getScheme() == null ? Path.of(location) : Path.of(uri);
            if (!Files.isDirectory(path)) {
                throw new IOException("Model directory " + path + " does not exist or is not a directory");
            }
            return path;
        }
        return RemoteCheckpoints.copy(location, hadoopConf == null ? new Configuration() : hadoopConf);
    }

    private static Path builtin(String name) throws IOException {
        if (name.equals("all-MiniLM-L6-v2")) {
            return BuiltinModels.defaultEmbeddingModel();
        }
        throw new IOException("Unknown built-in model '" + name + "'; the built-in models are: all-MiniLM-L6-v2");
    }

    private static URI toUri(String location) {
        try {
            return URI.create(location.replace(" ", "%20"));
        } catch (IllegalArgumentException e) {
            return Path.of(location).toUri();
        }
    }

    static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lower-cased scheme of {@code location}, or {@code file} for local paths. */
    public static String scheme(String location) {
        URI uri = toUri(location);
        return uri.getScheme() == null ? "file" : uri.getScheme().toLowerCase(Locale.ROOT);
    }
}
