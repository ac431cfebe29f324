package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

        SnapshotManifest initial = IncrementalEmbedJob.run(spark, options(first), state, null);
        assertEquals("snapshot-00001", initial.snapshot());
        assertEquals(400, initial.added());
        assertEquals(400, initial.documents());

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

        SnapshotManifest again = IncrementalEmbedJob.run(spark, options(second), state, null);
        assertEquals("snapshot-00002", again.snapshot(), "rerunning the same input changes nothing");
    }

    @Test
    void changedModelSettingsReEmbedEverything() throws Exception {
        Path input = write("settings.jsonl", documents(50));
        String state = dir.resolve("settings-state").toString();
        IncrementalEmbedJob.run(spark, options(input), state, null);
        EmbedOptions shorter = options(input).withPooling(null, null, 64);
        SnapshotManifest manifest = IncrementalEmbedJob.run(spark, shorter, state, null);
        assertEquals(50, manifest.added());
        assertEquals(0, manifest.unchanged());
        assertEquals("snapshot-00002", manifest.snapshot());
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

    private static org.apache.hadoop.conf.Configuration conf() {
        return spark.sparkContext().hadoopConfiguration();
    }
}
