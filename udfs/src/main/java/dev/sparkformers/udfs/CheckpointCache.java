package dev.sparkformers.udfs;

import dev.sparkformers.hub.BuiltinModels;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Local directories that hold checkpoints copied from elsewhere (a Hadoop file system, or chunks
 * the driver broadcast), one directory per identity.
 *
 * <p>An entry is written under a temporary {@code .partial-} name in the same parent directory and
 * then renamed into place atomically, so an entry that exists is complete: a copy that fails or
 * whose JVM dies never becomes an entry. Several JVMs on one host may fill the same entry at once;
 * the first rename wins and the others drop their identical copies.
 *
 * <p>The root is {@code <cache>/<area>}, where {@code <cache>} is
 * {@link BuiltinModels#cacheDirectory()} ({@code -Dsparkformers.cache.dir},
 * {@code SPARKFORMERS_CACHE_DIR} or {@code ~/.cache/sparkformers}); it must be on a local disk
 * that supports atomic renames.
 *
 * <p>NOTE: a {@code .partial-} directory of a JVM that was killed mid-copy is not removed; delete
 * such directories by hand when no job is running.
 */
public final class CheckpointCache {

    /** Writes a checkpoint's files into an empty staging directory. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path staging) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointCache.class);

    private final Path root;

    /** Creates a cache rooted at {@code root}; the directory is created on first use. */
    public CheckpointCache(Path root) {
        this.root = root;
    }

    /** Returns the cache area {@code area} (for example {@code remote}) under the default cache directory. */
    public static CheckpointCache inDefaultDirectory(String area) {
        return new CheckpointCache(BuiltinModels.cacheDirectory().resolve(area));
    }

    /** Returns the directory that contains the entries. */
    public Path root() {
        return root;
    }

    /** Returns the entry directory for {@code identity}, whether or not it exists yet. */
    public Path entry(String identity) {
        return root.resolve(ModelLocations.sha256(identity).substring(0, 32));
    }

    /**
     * Returns the entry for {@code identity}, calling {@code writer} to fill it when it is missing.
     *
     * @param description what is being copied, for logs and error messages
     * @throws IOException if the writer fails (the partial copy is deleted) or the cache directory
     *     does not support atomic renames
     */
    public Path getOrCreate(String identity, String description, Writer writer) throws IOException {
        Path target = entry(identity);
        if (Files.isDirectory(target)) {
            LOG.debug("Using cached copy of {} at {}", description, target);
            return target;
        }

        Files.createDirectories(root);
        Path staging = Files.createTempDirectory(root, ".partial-");
        long start = System.nanoTime();
        LOG.info("Copying {} into the local cache at {}", description, target);
        try {
            writer.writeTo(staging);
            moveIntoPlace(staging, target);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Failed to copy {} into the local cache: {}", description, e.toString());
            throw e;
        } finally {
            deleteRecursively(staging);
        }
        LOG.info("Copied {} to {} in {} ms", description, target, (System.nanoTime() - start) / 1_000_000);
        return target;
    }

    private static void moveIntoPlace(Path staging, Path target) throws IOException {
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("The cache directory " + target.getParent() + " does not support atomic renames;"
                    + " point -D" + BuiltinModels.CACHE_DIR_PROPERTY + " at a local disk", e);
        } catch (IOException e) {
            // Another JVM on this host renamed the same entry into place first (the rename then fails
            // with FileAlreadyExistsException or DirectoryNotEmptyException); its copy is identical.
            if (!Files.isDirectory(target)) {
                throw e;
            }
            LOG.debug("Another process filled cache entry {} first", target);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
