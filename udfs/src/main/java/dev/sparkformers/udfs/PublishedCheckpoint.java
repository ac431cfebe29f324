package dev.sparkformers.udfs;

import java.util.Map;

/**
 * A checkpoint that {@link CheckpointPublisher} wrote completely.
 *
 * @param location the fully qualified URI of the checkpoint directory
 * @param files size in bytes of every file it wrote, by path relative to the directory, the
 *     completion marker excluded
 * @param generatedModelCard whether {@code README.md} was generated, rather than copied from the
 *     source directory
 */
public record PublishedCheckpoint(String location, Map<String, Long> files, boolean generatedModelCard) {

    public PublishedCheckpoint {
        files = Map.copyOf(files);
    }

    /** Total size of the files in bytes. */
    public long totalBytes() {
        return files.values().stream().mapToLong(Long::longValue).sum();
    }
}
