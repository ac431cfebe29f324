package dev.sparkformers.hub;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A local directory of imported checkpoints, each imported once and then reused, also when several
 * JVMs on one host (Spark executors) ask for it at the same time.
 *
 * <p>An entry is complete when its directory contains the marker file {@value #MARKER_FILE} with the
 * identity it was imported for (for example the source's SHA-256). Imports run into a staging
 * directory that is renamed to the entry's name only after the marker is written, so a partial
 * import is never mistaken for a complete one. One import per entry runs at a time: threads of one
 * JVM share a lock, and JVMs take an exclusive lock on {@code .<name>.lock}. Where the file system
 * does not support locks, the rename still keeps entries consistent, because a JVM whose rename
 * fails reuses the directory that won. Only the work is duplicated then.
 */
public final class ModelCache {

    /** Name of the file that marks a complete entry and records what it was imported from. */
    public static final String MARKER_FILE = ".sparkformers-import.json";

    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An entry name: one path segment that cannot collide with staging, lock or hidden files. */
    private static final Pattern ENTRY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    /** One lock per entry directory for the threads of this JVM; file locks do not exclude them. */
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    /** Writes a checkpoint into a directory that does not exist yet. */
    @FunctionalInterface
    public interface Importer {

        /**
         * Creates {@code target} and writes the checkpoint into it.
         *
         * @param scratch an empty directory for intermediate files, deleted afterwards
         */
        void importInto(Path target, Path scratch) throws IOException;
    }

    /**
     * A cache entry.
     *
     * @param directory the complete checkpoint directory
     * @param imported whether this call imported it, rather than finding it complete
     */
    public record Entry(Path directory, boolean imported) {}

    private final Path root;

    /** Creates a cache in {@code root}, which is created when the first entry is imported. */
    public ModelCache(Path root) {
        this.root = Objects.requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    /** Returns the directory that contains the entries. */
    public Path root() {
        return root;
    }

    /**
     * Returns the complete entry {@code name}, importing it first if needed.
     *
     * @param name the entry's directory name; it should include a digest of the source, so that a
     *     changed source gets a new entry
     * @param identity what the entry is imported from, recorded in the marker; an entry whose
     *     marker records a different identity is imported again
     * @throws IllegalArgumentException if {@code name} is not a plain directory name
     */
    public Entry getOrImport(String name, Map<String, String> identity, Importer importer) throws IOException {
        if (!ENTRY_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Cache entry name '" + name + "' must be 1 to 200 letters, digits,"
                    + " '.', '_' or '-', starting with a letter or digit");
        }
        Path directory = root.resolve(name);
        if (isComplete(directory, identity)) {
            return new Entry(directory, false);
        }

        Files.createDirectories(root);
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(directory, key -> new ReentrantLock());
        jvmLock.lock();
        try (CacheFileLock fileLock = CacheFileLock.acquire(root.resolve("." + name + ".lock"))) {
            // Another thread or process may have finished the import while this one waited.
            if (isComplete(directory, identity)) {
                return new Entry(directory, false);
            }
            if (fileLock.held()) {
                removeLeftovers(name, directory);
            }
            return importEntry(name, directory, identity, importer);
        } finally {
            jvmLock.unlock();
        }
    }

    private Entry importEntry(String name, Path directory, Map<String, String> identity, Importer importer)
            throws IOException {
        LOG.info("Importing cache entry {}", directory);
        long start = System.nanoTime();
        Path staging = Files.createDirectory(root.resolve("." + name + ".partial-" + UUID.randomUUID()));
        try {
            Path target = staging.resolve("checkpoint");
            Path scratch = Files.createDirectory(staging.resolve("scratch"));
            importer.importInto(target, scratch);
            if (!Files.isDirectory(target)) {
                throw new IOException("Import of cache entry " + directory + " finished without creating " + target);
            }
            writeMarker(target, identity);

            try {
                Files.move(target, directory, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // Only reachable without a working file lock: another JVM renamed its import into place first.
                if (isComplete(directory, identity)) {
                    LOG.info("Cache entry {} was imported by another process at the same time; using that one",
                            directory);
                    return new Entry(directory, false);
                }
                throw new IOException("Cache entry " + directory + " exists but is incomplete, and no file lock"
                        + " protects it; delete the directory and retry", e);
            }
            LOG.info("Imported cache entry {} in {} ms", directory, (System.nanoTime() - start) / 1_000_000);
            return new Entry(directory, true);
        } finally {
            deleteRecursively(staging);
        }
    }

    /** Returns whether {@code directory} has a marker recording exactly {@code identity}. */
    static boolean isComplete(Path directory, Map<String, String> identity) {
        Path marker = directory.resolve(MARKER_FILE);
        if (!Files.isRegularFile(marker)) {
            return false;
        }
        try {
            JsonNode recorded = JSON.readTree(marker.toFile()).path("identity");
            return recorded.equals(JSON.valueToTree(new TreeMap<>(identity)));
        } catch (JacksonException e) {
            LOG.warn("Cache marker {} is not valid JSON; the entry will be imported again", marker, e);
            return false;
        } catch (IOException e) {
            LOG.warn("Cache marker {} could not be read; the entry will be imported again", marker, e);
            return false;
        }
    }

    private static void writeMarker(Path directory, Map<String, String> identity) throws IOException {
        ObjectNode marker = JSON.createObjectNode();
        marker.set("identity", JSON.valueToTree(new TreeMap<>(identity)));
        marker.put("imported_at", Instant.now().toString());
        JSON.writerWithDefaultPrettyPrinter().writeValue(directory.resolve(MARKER_FILE).toFile(), marker);
    }

    /**
     * Deletes staging directories of crashed imports and an incomplete entry directory. Runs only
     * under the file lock, so no other process is writing them.
     */
    private void removeLeftovers(String name, Path directory) throws IOException {
        String stagingPrefix = "." + name + ".partial-";
        try (Stream<Path> entries = Files.list(root)) {
            for (Path entry : entries.filter(path -> path.getFileName().toString().startsWith(stagingPrefix)).toList()) {
                LOG.warn("Deleting {}, left by an import that did not finish", entry);
                deleteRecursively(entry);
            }
        }
        if (Files.exists(directory)) {
            LOG.warn("Cache entry {} has no matching {}; deleting it to import it again", directory, MARKER_FILE);
            deleteRecursively(directory);
        }
    }

    static void deleteRecursively(Path directory) throws IOException {
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
