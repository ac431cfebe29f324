package dev.sparkformers.udfs;

import dev.sparkformers.hub.BuiltinModels;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Turns a model location into a local checkpoint directory.
 *
 * <p>Local paths and {@code file:} URIs are used in place. {@code builtin:} names resolve to the
 * models bundled with Sparkformers. Any other URI is read through Hadoop's {@link FileSystem} (so
 * s3a, hdfs, abfs and gs work with their connectors on the classpath) and copied once into a local
 * cache directory named by the location, file sizes and modification times: a changed checkpoint
 * gets a new directory, and a partial copy never becomes an entry, because the copy is made under
 * a temporary name and renamed into place.
 */
public final class ModelLocations {

    /** Scheme prefix of bundled models. */
    public static final String BUILTIN_PREFIX = "builtin:";

    /** The default embedding model's location. */
    public static final String DEFAULT_EMBEDDING_MODEL = BUILTIN_PREFIX + "all-MiniLM-L6-v2";

    private static final Logger LOG = LoggerFactory.getLogger(ModelLocations.class);

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
        return copyRemote(location, hadoopConf == null ? new Configuration() : hadoopConf);
    }

    private static Path builtin(String name) throws IOException {
        if (name.equals("all-MiniLM-L6-v2")) {
            return BuiltinModels.defaultEmbeddingModel();
        }
        throw new IOException("Unknown built-in model '" + name + "'; the built-in models are: all-MiniLM-L6-v2");
    }

    private static Path copyRemote(String location, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(location);
        FileSystem fs = root.getFileSystem(conf);
        if (!fs.getFileStatus(root).isDirectory()) {
            throw new IOException("Model location " + location + " is not a directory");
        }
        List<LocatedFileStatus> files = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> listing = fs.listFiles(root, true);
        StringBuilder identity = new StringBuilder(location);
        while (listing.hasNext()) {
            LocatedFileStatus status = listing.next();
            files.add(status);
            identity.append('\n').append(relative(root, status)).append(' ').append(status.getLen()).append(' ')
                    .append(status.getModificationTime());
        }
        files.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));

        Path cacheRoot = BuiltinModels.cacheDirectory().resolve("remote");
        Path target = cacheRoot.resolve(sha256(identity.toString()).substring(0, 32));
        if (Files.isDirectory(target)) {
            return target;
        }
        Files.createDirectories(cacheRoot);
        Path staging = Files.createTempDirectory(cacheRoot, ".partial-");
        long start = System.nanoTime();
        long bytes = 0;
        try {
            for (FileStatus status : files) {
                String name = relative(root, status);
                Path destination = staging.resolve(name).normalize();
                if (!destination.startsWith(staging)) {
                    throw new IOException("File " + status.getPath() + " escapes the model directory");
                }
                Files.createDirectories(destination.getParent());
                try (InputStream in = fs.open(status.getPath())) {
                    bytes += Files.copy(in, destination);
                }
            }
            moveIntoPlace(staging, target);
        } finally {
            deleteRecursively(staging);
        }
        LOG.info("Copied model {} ({} files, {} bytes) to {} in {} ms", location, files.size(), bytes, target,
                (System.nanoTime() - start) / 1_000_000);
        return target;
    }

    private static void moveIntoPlace(Path staging, Path target) throws IOException {
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // Another executor on this host finished the same copy first; its copy is identical.
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("The cache directory " + target.getParent()
                    + " does not support atomic renames; point -D" + BuiltinModels.CACHE_DIR_PROPERTY + " at a local disk", e);
        } catch (IOException e) {
            if (!Files.isDirectory(target)) {
                throw e;
            }
        }
    }

    private static String relative(org.apache.hadoop.fs.Path root, FileStatus status) {
        String rootPath = root.toUri().getPath();
        String filePath = status.getPath().toUri().getPath();
        String relative = filePath.startsWith(rootPath) ? filePath.substring(rootPath.length()) : status.getPath().getName();
        return relative.startsWith("/") ? relative.substring(1) : relative;
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

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Lower-cased scheme of {@code location}, or {@code file} for local paths. */
    public static String scheme(String location) {
        URI uri = toUri(location);
        return uri.getScheme() == null ? "file" : uri.getScheme().toLowerCase(Locale.ROOT);
    }
}
