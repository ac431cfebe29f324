package dev.sparkformers.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.hub.BuiltinModels;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The S3 server stops in the middle of an embed job and starts again: the job either finishes
 * with complete output or fails with nothing visible at its output path, and a rerun writes the
 * complete output.
 */
class S3OutageTest {

    private static final String BUCKET = "outage";
    private static final String ROOT = "s3a://" + BUCKET;
    private static final int ROWS = 1500;

    private static Path dir;
    private static Path storage;
    private static int port;
    private static S3ProxyServer server;

    @BeforeAll
    static void startServer() throws Exception {
        dir = E2eEnvironment.workDir("s3-outage");
        E2eEnvironment.sparkJar();
        storage = dir.resolve("storage");
        port = FreePorts.find();
        server = S3ProxyServer.startPersistent(dir, storage, port, "s3proxy-first");
        server.createBucket(BUCKET);

        List<String> glosses = Files.readAllLines(E2eEnvironment.repoRoot().resolve("data/wordnet-glosses/glosses.jsonl"));
        Path corpus = dir.resolve("glosses.jsonl");
        Files.write(corpus, glosses.subList(0, ROWS));
        try (FileSystem fs = FileSystem.newInstance(URI.create(ROOT), server.hadoopConfiguration())) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(corpus.toUri()),
                    new org.apache.hadoop.fs.Path(ROOT + "/corpus/glosses.jsonl"));
            fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(BuiltinModels.defaultEmbeddingModel().toUri()),
                    new org.apache.hadoop.fs.Path(ROOT + "/models/all-MiniLM-L6-v2"));
        }
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void serverRestartMidJobLeavesNoPartialOutput() throws Exception {
        String output = ROOT + "/embeddings/";
        int exit;
        try (ChildProcess driver = ChildProcess.start("spark-submit outage", job(output).build(),
                SparkSubmitCommand.environment(), dir.resolve("outage.log"))) {
            driver.awaitOutput("Embedding " + ROWS + " rows", 1, Duration.ofMinutes(3));
            Thread.sleep(2000);
            server.close();
            Thread.sleep(5000);
            server = S3ProxyServer.startPersistent(dir, storage, port, "s3proxy-second");
            exit = driver.waitFor(Duration.ofMinutes(5));
        }

        List<String> visible = visibleOutput(output);
        if (exit == 0) {
            System.out.println("The job rode out the S3 restart; checking its output is complete");
            assertTrue(visible.stream().anyMatch(name -> name.endsWith("_SUCCESS")), "output " + visible);
            assertEquals(ROWS, countRows(output));
        } else {
            System.out.println("The job failed during the S3 restart (exit " + exit + "); checking nothing is visible");
            assertTrue(visible.stream().noneMatch(name -> name.endsWith(".parquet") || name.endsWith("_SUCCESS")),
                    "a failed job must not leave output at " + output + ": " + visible);
        }

        int rerun = submit("rerun", job(output));
        assertEquals(0, rerun, "the rerun after the restart failed; see " + dir.resolve("rerun.log"));
        assertEquals(ROWS, countRows(output));

        // A run that no outage touched gives the reference rows.
        String cleanOutput = ROOT + "/clean/";
        int clean = submit("clean", job(cleanOutput));
        assertEquals(0, clean, "the clean run failed; see " + dir.resolve("clean.log"));
        Map<String, float[]> expected = EmbeddingOutputs.read(download(cleanOutput));
        Map<String, float[]> actual = EmbeddingOutputs.read(download(output));
        assertEquals(ROWS, expected.size());
        assertEquals(expected.keySet(), actual.keySet(), "the rerun must hold the clean run's ids, each once");
        double difference = EmbeddingOutputs.maxDifference(expected, actual);
        assertTrue(difference <= 1e-6, "the rerun's embeddings differ from a clean run's by " + difference);
    }

    private static SparkSubmitCommand job(String output) {
        return new SparkSubmitCommand("local[2]").hadoop(server.hadoopSettings()).magicCommitter()
                .arguments("embed", "--input", ROOT + "/corpus/glosses.jsonl", "--model",
                        ROOT + "/models/all-MiniLM-L6-v2", "--output", output, "--mode", "overwrite",
                        "--partitions", "6");
    }

    /** Files under the output path that readers would see: everything but the committer's pending area. */
    private static List<String> visibleOutput(String output) throws Exception {
        List<String> files = new ArrayList<>();
        try (FileSystem fs = FileSystem.newInstance(URI.create(ROOT), server.hadoopConfiguration())) {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(output);
            if (!fs.exists(path)) {
                return files;
            }
            RemoteIterator<LocatedFileStatus> listing = fs.listFiles(path, true);
            while (listing.hasNext()) {
                String name = listing.next().getPath().toString();
                if (!name.contains("__magic") && !name.contains("_temporary")) {
                    files.add(name);
                }
            }
        }
        return files;
    }

    /** Downloads the visible Parquet files of the output and counts their rows. */
    private static long countRows(String output) throws Exception {
        return EmbeddingOutputs.count(download(output));
    }

    /** Downloads the visible Parquet files of the output into a new local directory. */
    private static Path download(String output) throws Exception {
        Path local = Files.createDirectories(dir.resolve("downloaded-" + System.nanoTime()));
        try (FileSystem fs = FileSystem.newInstance(URI.create(ROOT), server.hadoopConfiguration())) {
            for (String file : visibleOutput(output)) {
                if (file.endsWith(".parquet")) {
                    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file);
                    fs.copyToLocalFile(false, path, new org.apache.hadoop.fs.Path(local.resolve(path.getName()).toUri()),
                            true);
                }
            }
        }
        return local;
    }

    private static int submit(String name, SparkSubmitCommand command) throws Exception {
        try (ChildProcess driver = ChildProcess.start("spark-submit " + name, command.build(),
                SparkSubmitCommand.environment(), dir.resolve(name + ".log"))) {
            return driver.waitFor(Duration.ofMinutes(5));
        }
    }
}
