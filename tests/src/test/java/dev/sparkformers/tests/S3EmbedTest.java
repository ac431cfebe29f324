package dev.sparkformers.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.hub.BuiltinModels;
import dev.sparkformers.udfs.CheckpointCache;
import dev.sparkformers.udfs.RemoteCheckpoints;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The embed job reading its corpus and model from s3a:// and writing Parquet to s3a:// through the
 * S3A magic committer, against S3Proxy, compared with the same job on local files.
 */
class S3EmbedTest {

    private static final String BUCKET = "sparkformers";
    private static final String ROOT = "s3a://" + BUCKET;
    private static final int ROWS = 120;

    private static Path dir;
    private static S3ProxyServer server;
    private static Path corpus;
    private static Path model;

    @BeforeAll
    static void startServer() throws Exception {
        dir = E2eEnvironment.workDir("s3");
        E2eEnvironment.sparkJar();
        server = S3ProxyServer.start(dir);
        server.createBucket(BUCKET);

        Path glosses = E2eEnvironment.repoRoot().resolve("data/wordnet-glosses/glosses.jsonl");
        List<String> lines = Files.readAllLines(glosses);
        corpus = dir.resolve("corpus/glosses.jsonl");
        Files.createDirectories(corpus.getParent());
        Files.write(corpus, lines.subList(0, ROWS));
        model = BuiltinModels.defaultEmbeddingModel();

        try (FileSystem fs = FileSystem.newInstance(URI.create(ROOT), server.hadoopConfiguration())) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(corpus.toUri()),
                    new org.apache.hadoop.fs.Path(ROOT + "/corpus/glosses.jsonl"));
            fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(model.toUri()),
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
    void s3aRunMatchesLocalRun() throws Exception {
        Path localOutput = dir.resolve("local-out");
        int localExit = submit("local", new SparkSubmitCommand("local[2]").arguments("embed",
                "--input", corpus.toString(), "--model", model.toString(), "--output", localOutput.toString(),
                "--partitions", "4"));
        assertEquals(0, localExit, "the local run failed; see " + dir.resolve("local.log"));

        String s3Output = ROOT + "/embeddings/";
        SparkSubmitCommand s3Run = new SparkSubmitCommand("local[2]").hadoop(server.hadoopSettings())
                .magicCommitter();
        s3Run.arguments("embed", "--input", ROOT + "/corpus/glosses.jsonl", "--model",
                        ROOT + "/models/all-MiniLM-L6-v2", "--output", s3Output, "--partitions", "4");
        assertEquals(0, submit("s3a", s3Run), "the s3a run failed; see " + dir.resolve("s3a.log"));

        Path downloaded = dir.resolve("s3a-out");
        String successMarker;
        List<String> bucketFiles = new ArrayList<>();
        try (FileSystem fs = FileSystem.newInstance(URI.create(ROOT), server.hadoopConfiguration())) {
            fs.copyToLocalFile(false, new org.apache.hadoop.fs.Path(s3Output), new org.apache.hadoop.fs.Path(
                    downloaded.toUri()), true);
            try (var in = fs.open(new org.apache.hadoop.fs.Path(s3Output + "_SUCCESS"))) {
                successMarker = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            RemoteIterator<LocatedFileStatus> listing = fs.listFiles(new org.apache.hadoop.fs.Path(ROOT + "/"), true);
            while (listing.hasNext()) {
                bucketFiles.add(listing.next().getPath().toString());
            }
        }

        Map<String, float[]> local = EmbeddingOutputs.read(localOutput);
        Map<String, float[]> s3 = EmbeddingOutputs.read(downloaded);
        double difference = EmbeddingOutputs.maxDifference(local, s3);
        System.out.printf("s3a run vs local run: %d and %d rows, max |diff| %.3g%n", local.size(), s3.size(),
                difference);
        assertEquals(ROWS, local.size());
        assertEquals(ROWS, s3.size());
        assertTrue(difference <= 1e-6, "s3a and local embeddings differ by " + difference);
        assertTrue(Pattern.compile("\"committer\"\\s*:\\s*\"magic\"").matcher(successMarker).find(),
                "the magic committer wrote the output; _SUCCESS starts with: "
                        + successMarker.substring(0, Math.min(300, successMarker.length())));
        assertTrue(bucketFiles.stream().noneMatch(name -> name.contains("__magic") || name.contains("_temporary")),
                "the committer left no pending or temporary files: " + bucketFiles);
        assertEquals(List.of(), EmbeddingOutputs.leftovers(downloaded), "files the job should not leave");
    }

    @Test
    void modelRewrittenInPlaceGetsANewCacheEntry() throws Exception {
        Configuration conf = server.hadoopConfiguration();
        String location = ROOT + "/rewritten-model";
        CheckpointCache cache = new CheckpointCache(dir.resolve("rewrite-cache"));
        try (FileSystem fs = FileSystem.newInstance(URI.create(ROOT), conf)) {
            write(fs, location + "/config.json", "{\"model_type\": \"bert\", \"hidden_size\": 1}");
            write(fs, location + "/model.safetensors", "weights-version-1");
            Path first = RemoteCheckpoints.copy(location, conf, cache);
            Path again = RemoteCheckpoints.copy(location, conf, cache);

            // Same length and, most likely, the same one-second modification time: only the ETag differs.
            write(fs, location + "/model.safetensors", "weights-version-2");
            Path second = RemoteCheckpoints.copy(location, conf, cache);

            assertEquals(first, again, "an unchanged checkpoint is copied once");
            assertNotEquals(first, second, "a rewritten file gets a new cache entry");
            assertEquals("weights-version-1", Files.readString(first.resolve("model.safetensors")));
            assertEquals("weights-version-2", Files.readString(second.resolve("model.safetensors")));
        }
        try (var entries = Files.list(cache.root())) {
            assertTrue(entries.noneMatch(p -> p.getFileName().toString().startsWith(".partial-")));
        }
    }

    private static void write(FileSystem fs, String location, String text) throws Exception {
        try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(location), true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static int submit(String name, SparkSubmitCommand command) throws Exception {
        try (ChildProcess driver = ChildProcess.start("spark-submit " + name, command.build(),
                SparkSubmitCommand.environment(), dir.resolve(name + ".log"))) {
            return driver.waitFor(Duration.ofMinutes(5));
        }
    }
}
