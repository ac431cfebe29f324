package dev.sparkformers.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkformers.hub.BuiltinModels;
import dev.sparkformers.jobs.EmbedJob;
import dev.sparkformers.jobs.EmbedOptions;
import dev.sparkformers.jobs.IncrementalEmbedJob;
import dev.sparkformers.jobs.SnapshotManifest;
import dev.sparkformers.jobs.SnapshotState;
import dev.sparkformers.jobs.SparkSessions;

import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Incremental embedding with its corpus and state on s3a, against S3Proxy. */
class S3IncrementalTest {

    private static final String BUCKET = "incremental";
    private static final String ROOT = "s3a://" + BUCKET;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir;
    private static S3ProxyServer server;
    private static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        dir = E2eEnvironment.workDir("s3-incremental");
        server = S3ProxyServer.start(dir);
        server.createBucket(BUCKET);
        Map<String, String> settings = new LinkedHashMap<>();
        server.hadoopSettings().forEach((key, value) -> settings.put("spark.hadoop." + key, value));
        settings.put("spark.ui.enabled", "false");
        spark = SparkSessions.create("s3-incremental", "local[2]", settings);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void snapshotsOnS3EmbedOnlyTheDelta() throws Exception {
        List<String> glosses = Files.readAllLines(E2eEnvironment.repoRoot().resolve("data/wordnet-glosses/glosses.jsonl"));
        List<ObjectNode> documents = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ObjectNode document = JSON.createObjectNode();
            document.put("id", "doc-" + i);
            document.put("text", JSON.readTree(glosses.get(i)).get("text").asText());
            documents.add(document);
        }
        String state = ROOT + "/state";
        upload("v1.jsonl", documents);
        SnapshotManifest first = IncrementalEmbedJob.run(spark, options(ROOT + "/corpus/v1.jsonl"), state, null);
        assertEquals(100, first.added());

        // 10 changed, 5 new, 3 deleted.
        List<ObjectNode> next = new ArrayList<>();
        for (int i = 3; i < documents.size(); i++) {
            ObjectNode document = documents.get(i).deepCopy();
            if (i % 10 == 0) {
                document.put("text", document.get("text").asText() + " (revised)");
            }
            next.add(document);
        }
        for (int i = 100; i < 105; i++) {
            ObjectNode document = JSON.createObjectNode();
            document.put("id", "doc-" + i);
            document.put("text", JSON.readTree(glosses.get(i)).get("text").asText());
            next.add(document);
        }
        upload("v2.jsonl", next);
        SnapshotManifest second = IncrementalEmbedJob.run(spark, options(ROOT + "/corpus/v2.jsonl"), state, null);
        assertEquals(5, second.added());
        assertEquals(9, second.changed());
        assertEquals(3, second.deleted());
        assertEquals(102, second.documents());

        SnapshotState snapshots = new SnapshotState(state, spark.sparkContext().hadoopConfiguration());
        assertEquals("snapshot-00002", snapshots.current().orElseThrow());
        String full = dir.resolve("full").toString();
        EmbedJob.run(spark, EmbedOptions.defaults(ROOT + "/corpus/v2.jsonl", full));
        double difference = maxDifference(embeddings(snapshots.snapshotLocation("snapshot-00002")), embeddings(full));
        assertTrue(difference <= 1e-6, "the s3a snapshot differs from a full re-embedding by " + difference);

        SnapshotManifest again = IncrementalEmbedJob.run(spark, options(ROOT + "/corpus/v2.jsonl"), state, null);
        assertEquals("snapshot-00002", again.snapshot());
    }

    @Test
    void killedRunOnS3LeavesPreviousSnapshotCurrent() throws Exception {
        String state = ROOT + "/kill-state";
        upload("kill-1.jsonl", documents(0, 40));
        IncrementalEmbedJob.run(spark, options(ROOT + "/corpus/kill-1.jsonl"), state, null);
        upload("kill-2.jsonl", documents(0, 300));

        // The run is killed as soon as its staged input is complete, so it leaves work files in staging
        // and dies while loading the model or embedding the delta, before it can move CURRENT.
        SparkSubmitCommand command = new SparkSubmitCommand("local[2]").hadoop(server.hadoopSettings())
                .arguments("embed", "--incremental", "--state", state, "--input", ROOT + "/corpus/kill-2.jsonl",
                        "--model", BuiltinModels.defaultEmbeddingModel().toString());
        org.apache.hadoop.fs.Path staged = new org.apache.hadoop.fs.Path(state
                + "/staging/snapshot-00002/input/_SUCCESS");
        try (FileSystem fs = FileSystem.newInstance(URI.create(ROOT), server.hadoopConfiguration());
                ChildProcess driver = ChildProcess.start("incremental run", command.build(),
                        SparkSubmitCommand.environment(), dir.resolve("killed-run.log"))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!fs.exists(staged) && driver.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(fs.exists(staged), "the run never staged its input; see " + driver.log());
            assertTrue(driver.isAlive(), "the run finished before it could be killed; see " + driver.log());
        }

        SnapshotState snapshots = new SnapshotState(state, spark.sparkContext().hadoopConfiguration());
        assertEquals("snapshot-00001", snapshots.current().orElseThrow(), "the killed run must not move CURRENT");
        assertEquals(40, spark.read().parquet(snapshots.snapshotLocation("snapshot-00001")).count());

        SnapshotManifest next = IncrementalEmbedJob.run(spark, options(ROOT + "/corpus/kill-2.jsonl"), state, null);
        assertEquals("snapshot-00002", next.snapshot());
        assertEquals(260, next.added());
        assertEquals(40, next.unchanged());
        assertEquals(300, next.documents());
        assertEquals("snapshot-00002", snapshots.current().orElseThrow());
    }

    @Test
    void changedPoolingOnS3ReEmbedsEverything() throws Exception {
        String state = ROOT + "/pooling-state";
        upload("pooling.jsonl", documents(0, 30));
        String input = ROOT + "/corpus/pooling.jsonl";
        IncrementalEmbedJob.run(spark, options(input), state, null);

        SnapshotManifest changed = IncrementalEmbedJob.run(spark, options(input).withPooling("cls", null, null),
                state, null);
        assertEquals("snapshot-00002", changed.snapshot());
        assertEquals(30, changed.added(), "a new pooling makes every embedding stale");
        assertEquals(0, changed.unchanged());
        assertEquals(30, changed.documents());
        SnapshotState snapshots = new SnapshotState(state, spark.sparkContext().hadoopConfiguration());
        assertEquals("snapshot-00002", snapshots.current().orElseThrow());
    }

    /** Documents {@code doc-from} to {@code doc-(to - 1)} with the sample corpus's glosses. */
    private static List<ObjectNode> documents(int from, int to) throws Exception {
        Path corpus = E2eEnvironment.repoRoot().resolve("data/wordnet-glosses/glosses.jsonl");
        List<String> glosses = Files.readAllLines(corpus);
        List<ObjectNode> documents = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ObjectNode document = JSON.createObjectNode();
            document.put("id", "doc-" + i);
            document.put("text", JSON.readTree(glosses.get(i)).get("text").asText());
            documents.add(document);
        }
        return documents;
    }

    private static EmbedOptions options(String input) {
        return EmbedOptions.defaults(input, "unused");
    }

    private static void upload(String name, List<ObjectNode> documents) throws Exception {
        Path file = dir.resolve(name);
        List<String> lines = new ArrayList<>();
        for (ObjectNode document : documents) {
            lines.add(JSON.writeValueAsString(document));
        }
        Files.write(file, lines);
        try (FileSystem fs = FileSystem.newInstance(URI.create(ROOT), server.hadoopConfiguration())) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(file.toUri()),
                    new org.apache.hadoop.fs.Path(ROOT + "/corpus/" + name));
        }
    }

    private static Map<String, List<Float>> embeddings(String location) {
        Map<String, List<Float>> result = new HashMap<>();
        for (Row row : spark.read().parquet(location).collectAsList()) {
            result.put(row.getString(row.fieldIndex("id")), row.getList(row.fieldIndex("embedding")));
        }
        return result;
    }

    private static double maxDifference(Map<String, List<Float>> a, Map<String, List<Float>> b) {
        assertEquals(a.keySet(), b.keySet());
        double max = 0;
        for (String id : a.keySet()) {
            for (int h = 0; h < a.get(id).size(); h++) {
                max = Math.max(max, Math.abs(a.get(id).get(h) - b.get(id).get(h)));
            }
        }
        return max;
    }
}
