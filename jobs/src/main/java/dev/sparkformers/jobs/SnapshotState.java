package dev.sparkformers.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * The state directory of incremental embedding: numbered snapshots, one manifest per snapshot,
 * and a pointer file naming the current snapshot.
 *
 * <pre>
 * STATE/CURRENT                          name of the current snapshot, for example snapshot-00003
 * STATE/snapshots/snapshot-00003/        Parquet: the embeddings of every document
 * STATE/manifests/snapshot-00003.json    run id, model fingerprint and counts
 * </pre>
 *
 * <p>A run writes its snapshot and manifest first and moves the pointer last, so readers that
 * follow the pointer never see a half-written snapshot, and a run that fails leaves the previous
 * snapshot current. The pointer moves atomically: by rename over the old file where the file
 * system renames atomically (local, HDFS), and by a single-object overwrite on object stores
 * (s3a), where a reader sees either the old or the new object.
 */
public final class SnapshotState {

    /** Pointer file name. */
    public static final String POINTER = "CURRENT";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final FileSystem fs;
    private final Configuration conf;

    public SnapshotState(String location, Configuration conf) throws IOException {
        Path path = new Path(location);
        this.fs = path.getFileSystem(conf);
        this.root = fs.makeQualified(path);
        this.conf = conf;
    }

    /** Reads the current snapshot's name from the pointer; empty before the first completed run. */
    public Optional<String> current() throws IOException {
        Path pointer = new Path(root, POINTER);
        if (!fs.exists(pointer)) {
            return Optional.empty();
        }
        try (FSDataInputStream in = fs.open(pointer)) {
            String name = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!name.matches("snapshot-\\d{5,}")) {
                throw new IOException("Pointer " + pointer + " contains '" + name + "', which is not a snapshot "
                        + "name; restore it or delete the state directory to start over");
            }
            return Optional.of(name);
        }
    }

    /** Returns the next snapshot name: one more than the highest number present, committed or not. */
    public String nextName() throws IOException {
        int highest = 0;
        Path snapshots = new Path(root, "snapshots");
        if (fs.exists(snapshots)) {
            for (FileStatus status : fs.listStatus(snapshots)) {
                String name = status.getPath().getName();
                if (name.matches("snapshot-\\d{5,}")) {
                    highest = Math.max(highest, Integer.parseInt(name.substring("snapshot-".length())));
                }
            }
        }
        return String.format("snapshot-%05d", highest + 1);
    }

    /** Location of a snapshot's Parquet directory. */
    public String snapshotLocation(String name) {
        return new Path(new Path(root, "snapshots"), name).toString();
    }

    /** Reads a snapshot's manifest. */
    public SnapshotManifest manifest(String name) throws IOException {
        try (FSDataInputStream in = fs.open(manifestPath(name))) {
            return JSON.readValue((java.io.InputStream) in, SnapshotManifest.class);
        }
    }

    /** Writes a snapshot's manifest. */
    public void writeManifest(SnapshotManifest manifest) throws IOException {
        try (FSDataOutputStream out = fs.create(manifestPath(manifest.snapshot()), true)) {
            out.write(JSON.writeValueAsBytes(manifest));
        }
    }

    /** Makes {@code name} the current snapshot. */
    public void moveTo(String name) throws IOException {
        Path pointer = new Path(root, POINTER);
        byte[] content = (name + "\n").getBytes(StandardCharsets.UTF_8);
        if (isObjectStore()) {
            try (FSDataOutputStream out = fs.create(pointer, true)) {
                out.write(content);
            }
            return;
        }
        Path staging = new Path(root, "." + POINTER + "." + UUID.randomUUID());
        try (FSDataOutputStream out = fs.create(staging, false)) {
            out.write(content);
        }
        FileContext.getFileContext(root.toUri(), conf).rename(staging, pointer, Options.Rename.OVERWRITE);
    }

    /** Deletes a snapshot directory left by a run that did not complete; never the current one. */
    public void deleteAbandoned(String name) throws IOException {
        if (current().filter(name::equals).isPresent()) {
            throw new IllegalStateException("Cannot delete " + name + ": it is the current snapshot");
        }
        fs.delete(new Path(snapshotLocation(name)), true);
        fs.delete(manifestPath(name), false);
    }

    private Path manifestPath(String name) {
        return new Path(new Path(root, "manifests"), name + ".json");
    }

    private boolean isObjectStore() {
        String scheme = root.toUri().getScheme();
        return scheme != null && (scheme.startsWith("s3") || scheme.equals("gs") || scheme.startsWith("abfs")
                || scheme.startsWith("wasb") || scheme.equals("oss"));
    }

    /** Returns the qualified state directory. */
    public String location() {
        return root.toString();
    }
}
