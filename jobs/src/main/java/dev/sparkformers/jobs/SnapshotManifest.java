package dev.sparkformers.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one incremental run did.
 *
 * @param snapshot the snapshot this run wrote
 * @param parent the snapshot it started from, or null for the first run
 * @param runId a unique id of the run
 * @param createdAt when the run finished, ISO-8601
 * @param modelFingerprint SHA-256 over the model's files and the embedding settings
 * @param documents documents in the snapshot
 * @param added documents embedded because they were new
 * @param changed documents embedded again because their text (or version) changed
 * @param unchanged documents carried over from the parent snapshot
 * @param deleted documents of the parent snapshot that the input no longer has
 * @param retried documents embedded again because they failed in the parent snapshot
 * @param failed documents of this snapshot with an error value
 */
public record SnapshotManifest(
        @JsonProperty("snapshot") String snapshot,
        @JsonProperty("parent") String parent,
        @JsonProperty("run_id") String runId,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("model_fingerprint") String modelFingerprint,
        @JsonProperty("documents") long documents,
        @JsonProperty("added") long added,
        @JsonProperty("changed") long changed,
        @JsonProperty("unchanged") long unchanged,
        @JsonProperty("deleted") long deleted,
        @JsonProperty("retried") long retried,
        @JsonProperty("failed") long failed) {}
