package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkformers.hub.BuiltinModels;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Incremental embedding: only changed documents are embedded, and a snapshot equals a full re-embedding. */
class IncrementalEmbedJobTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = LocalSpark.get();
    }

    @Test
    void secondRunEmbedsExactlyTheDelta() throws Exception {
        List<ObjectNode> documents = documents(400);
        Path first = write("v1.jsonl", documents);
        String state = dir.resolve("state").toString();

        ForwardedRows forwarded = ForwardedRows.listen(spark);
        SnapshotManifest initial = IncrementalEmbedJob.run(spark, options(first), state, null);
        assertEquals("snapshot-00001", initial.snapshot());
        assertEquals(400, initial.added());
        assertEquals(400, initial.documents());
        assertEquals(400, forwarded.sinceLastRead(), "rows through the model in the first run");

        // 10% of texts change, 5% are new, 3% are deleted.
        List<ObjectNode> next = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            ObjectNode document = documents.get(i).deepCopy();
            if (i < 12) {
                continue;
            }
            if (i % 10 == 0) {
                document.put("text", document.get("text").asText() + " (revised)");
            }
            next.add(document);
        }
        for (ObjectNode extra : documents(420).subList(400, 420)) {
            next.add(extra);
        }
        Path second = write("v2.jsonl", next);
        SnapshotManifest update = IncrementalEmbedJob.run(spark, options(second), state, null);
        assertEquals("snapshot-00002", update.snapshot());
        assertEquals(20, update.added());
        assertEquals(38, update.changed(), "documents 20, 30, ..., 390 changed");
        assertEquals(12, update.deleted());
        assertEquals(388 - 38, update.unchanged());
        assertEquals(408, update.documents());
        assertEquals(20 + 38, forwarded.sinceLastRead(), "only added and changed rows go through the model");
        assertEquals("snapshot-00002", new SnapshotState(state, conf()).current().orElseThrow());

        String full = dir.resolve("full").toString();
        EmbedJob.run(spark, EmbedOptions.defaults(second.toString(), full));
        Map<String, List<Float>> incremental = embeddings(new SnapshotState(state, conf()).snapshotLocation("snapshot-00002"));
        Map<String, List<Float>> reference = embeddings(full);
        assertEquals(reference.keySet(), incremental.keySet());
        double max = 0;
        for (String id : reference.keySet()) {
            for (int h = 0; h < 384; h++) {
                max = Math.max(max, Math.abs(reference.get(id).get(h) - incremental.get(id).get(h)));
            }
        }
        assertTrue(max <= 1e-6, "snapshot differs from a full re-embedding by " + max);

        forwarded.sinceLastRead();
        SnapshotManifest again = IncrementalEmbedJob.run(spark, options(second), state, null);
        assertEquals("snapshot-00002", again.snapshot(), "rerunning the same input changes nothing");
        assertEquals(0, forwarded.sinceLastRead(), "a rerun of the same input embeds nothing");
        forwarded.close();
    }

    @Test
    void changedModelSettingsReEmbedEverything() throws Exception {
        Path input = write("settings.jsonl", documents(50));
        String state = dir.resolve("settings-state").toString();
        IncrementalEmbedJob.run(spark, options(input), state, null);
        // Each step changes one setting of the one before it: maximum length, pooling, normalisation.
        List<EmbedOptions> steps = List.of(options(input).withPooling(null, null, 64),
                options(input).withPooling("cls", null, 64), options(input).withPooling("cls", false, 64));
        try (ForwardedRows forwarded = ForwardedRows.listen(spark)) {
            for (int step = 0; step < steps.size(); step++) {
                SnapshotManifest manifest = IncrementalEmbedJob.run(spark, steps.get(step), state, null);
                String setting = List.of("max_length", "pooling", "normalize").get(step);
                assertEquals(String.format("snapshot-%05d", step + 2), manifest.snapshot(), setting);
                assertEquals(50, manifest.added(), setting + " changed, so every document is embedded again");
                assertEquals(0, manifest.unchanged(), setting);
                assertEquals(50, forwarded.sinceLastRead(), setting);
            }
        }
        Row last = spark.read().parquet(new SnapshotState(state, conf()).snapshotLocation("snapshot-00004")).first();
        double norm = 0;
        for (Float value : last.<Float>getList(last.fieldIndex("embedding"))) {
            norm += value * value;
        }
        assertTrue(Math.abs(Math.sqrt(norm) - 1) > 1e-3, "the last snapshot was embedded without normalisation");
    }

    @Test
    void changedCheckpointReEmbedsEverything() throws Exception {
        Path input = write("checkpoint.jsonl", documents(30));
        String state = dir.resolve("checkpoint-state").toString();
        Path copy = dir.resolve("checkpoint-copy");
        copyDirectory(BuiltinModels.defaultEmbeddingModel(), copy);
        IncrementalEmbedJob.run(spark, options(input), state, null);

        SnapshotManifest same = IncrementalEmbedJob.run(spark, options(input).withModel(copy.toString()), state, null);
        assertEquals("snapshot-00001", same.snapshot(), "a copy with the same files is the same model");

        flipLowestBitOfWordEmbeddings(copy.resolve("model.safetensors"));
        try (ForwardedRows forwarded = ForwardedRows.listen(spark)) {
            SnapshotManifest changed = IncrementalEmbedJob.run(spark, options(input).withModel(copy.toString()),
                    state, null);
            assertEquals("snapshot-00002", changed.snapshot());
            assertEquals(30, changed.added(), "one changed weight makes a different model");
            assertEquals(0, changed.unchanged());
            assertEquals(30, forwarded.sinceLastRead());
        }
    }

    @Test
    void failedRowsAreRetriedUntilTheyEmbed() throws Exception {
        List<ObjectNode> documents = documents(20);
        documents.get(5).putNull("text");
        Path broken = write("retry-1.jsonl", documents);
        String state = dir.resolve("retry-state").toString();
        SnapshotState snapshots = new SnapshotState(state, conf());

        try (ForwardedRows forwarded = ForwardedRows.listen(spark)) {
            SnapshotManifest first = IncrementalEmbedJob.run(spark, options(broken), state, null);
            assertEquals(20, first.added());
            assertEquals(1, first.failed());
            assertEquals("text is null", errors(snapshots.snapshotLocation(first.snapshot())).get("doc-5"));
            assertEquals(20, forwarded.sinceLastRead());

            // A failed document is embedded again on every run until it succeeds.
            SnapshotManifest again = IncrementalEmbedJob.run(spark, options(broken), state, null);
            assertEquals("snapshot-00002", again.snapshot(), "a run with a failed document is never a no-op");
            assertEquals(1, again.retried());
            assertEquals(19, again.unchanged());
            assertEquals(1, again.failed());
            assertEquals(1, forwarded.sinceLastRead(), "only the failed document goes through the model");

            documents.get(5).put("text", "a gloss that was missing and is now repaired");
            Path fixed = write("retry-2.jsonl", documents);
            SnapshotManifest repaired = IncrementalEmbedJob.run(spark, options(fixed), state, null);
            assertEquals("snapshot-00003", repaired.snapshot());
            assertEquals(1, repaired.retried());
            assertEquals(0, repaired.changed(), "a failed document counts as retried, not changed");
            assertEquals(19, repaired.unchanged());
            assertEquals(0, repaired.failed());
            assertEquals(20, repaired.documents());
            assertEquals(1, forwarded.sinceLastRead());
        }
        Map<String, String> errors = errors(snapshots.snapshotLocation("snapshot-00003"));
        assertEquals(20, errors.size());
        assertTrue(errors.values().stream().allMatch(java.util.Objects::isNull), "errors left: " + errors);
        assertEquals(384, embeddings(snapshots.snapshotLocation("snapshot-00003")).get("doc-5").size());
    }

    @Test
    void versionColumnTriggersReEmbedding() throws Exception {
        List<ObjectNode> documents = documents(30);
        documents.forEach(d -> d.put("version", 1));
        Path first = write("versioned-1.jsonl", documents);
        String state = dir.resolve("versioned-state").toString();
        IncrementalEmbedJob.run(spark, options(first), state, "version");
        documents.get(3).put("version", 2);
        Path second = write("versioned-2.jsonl", documents);
        SnapshotManifest manifest = IncrementalEmbedJob.run(spark, options(second), state, "version");
        assertEquals(1, manifest.changed());
        assertEquals(29, manifest.unchanged());
    }

    @Test
    void killedRunLeavesPreviousSnapshotCurrent() throws Exception {
        Path small = write("kill-1.jsonl", documents(40));
        String state = dir.resolve("kill-state").toString();
        IncrementalEmbedJob.run(spark, options(small), state, null);

        Path large = write("kill-2.jsonl", documents(1500));
        Process child = startChild(large, state);
        Path staging = Path.of(state, "staging", "snapshot-00002", "input");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!Files.exists(staging.resolve("_SUCCESS")) && System.nanoTime() < deadline && child.isAlive()) {
            Thread.sleep(100);
        }
        assertTrue(child.isAlive(), "the child finished before it could be killed; give it more work");
        Thread.sleep(1500);
        child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        SnapshotState snapshots = new SnapshotState(state, conf());
        assertEquals("snapshot-00001", snapshots.current().orElseThrow(), "the killed run must not move the pointer");
        assertEquals(40, spark.read().parquet(snapshots.snapshotLocation("snapshot-00001")).count());

        SnapshotManifest manifest = IncrementalEmbedJob.run(spark, options(large), state, null);
        assertEquals("snapshot-00002", manifest.snapshot());
        assertEquals(1460, manifest.added());
        assertEquals(1500, manifest.documents());
    }

    private static Process startChild(Path input, String state) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!argument.startsWith("-agentlib") && !argument.startsWith("-javaagent")) {
                command.add(argument);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SparkformersCommand.class.getName());
        command.addAll(List.of("embed", "--incremental", "--state", state, "--input", input.toString(),
                "--master", "local[2]"));
        File log = dir.resolve("child.log").toFile();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private static EmbedOptions options(Path input) {
        return EmbedOptions.defaults(input.toString(), "unused");
    }

    private static List<ObjectNode> documents(int count) throws IOException {
        List<String> lines = EmbedJobTest.sampleCorpus();
        List<ObjectNode> documents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode line = (ObjectNode) JSON.readTree(lines.get(i % lines.size()));
            ObjectNode document = JSON.createObjectNode();
            document.put("id", "doc-" + i);
            document.put("text", line.get("text").asText() + (i >= lines.size() ? " #" + i : ""));
            documents.add(document);
        }
        return documents;
    }

    private static Path write(String name, List<ObjectNode> documents) throws IOException {
        List<String> lines = new ArrayList<>();
        for (ObjectNode document : documents) {
            lines.add(JSON.writeValueAsString(document));
        }
        return Files.write(dir.resolve(name), lines);
    }

    private static Map<String, List<Float>> embeddings(String location) {
        Map<String, List<Float>> result = new HashMap<>();
        for (Row row : spark.read().parquet(location).collectAsList()) {
            result.put(row.getString(row.fieldIndex("id")), row.getList(row.fieldIndex("embedding")));
        }
        return result;
    }

    private static Map<String, String> errors(String location) {
        Map<String, String> result = new HashMap<>();
        for (Row row : spark.read().parquet(location).collectAsList()) {
            result.put(row.getString(row.fieldIndex("id")), row.getString(row.fieldIndex("error")));
        }
        return result;
    }

    private static void copyDirectory(Path source, Path target) throws IOException {
        try (var files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path copy = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
    }

    /**
     * Flips the lowest mantissa bit of the first float32 value of the word embeddings, which
     * changes the file's checksum and the weight by at most 2^-23 (about 1e-7) of its value.
     */
    private static void flipLowestBitOfWordEmbeddings(Path safetensors) throws IOException {
        try (var file = java.nio.channels.FileChannel.open(safetensors, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer length = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            file.read(length, 0);
            int headerLength = (int) length.flip().getLong();
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(headerLength);
            file.read(header, 8);
            var tensors = JSON.readTree(new String(header.array(), java.nio.charset.StandardCharsets.UTF_8));
            String name = null;
            for (var names = tensors.fieldNames(); names.hasNext();) {
                String candidate = names.next();
                if (candidate.endsWith("word_embeddings.weight")) {
                    name = candidate;
                }
            }
            assertEquals("F32", tensors.get(name).get("dtype").asText(), name);
            long position = 8L + headerLength + tensors.get(name).get("data_offsets").get(0).asLong();
            java.nio.ByteBuffer lowByte = java.nio.ByteBuffer.allocate(1);
            file.read(lowByte, position);
            lowByte.put(0, (byte) (lowByte.get(0) ^ 1)).rewind();
            file.write(lowByte, position);
        }
    }

    private static org.apache.hadoop.conf.Configuration conf() {
        return spark.sparkContext().hadoopConfiguration();
    }
}
