package dev.sparkformers.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.sparkformers.auto.AutoModel;
import dev.sparkformers.hub.BuiltinModels;
import dev.sparkformers.jobs.SparkformersCommand;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.ModelOutput;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.udfs.CheckpointCache;
import dev.sparkformers.udfs.CheckpointPublisher;
import dev.sparkformers.udfs.RemoteCheckpoints;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code bin/sparkformers publish} of the built-in all-MiniLM-L6-v2 to s3a:// on S3Proxy, and the
 * checkpoint loaded back from s3a.
 */
class S3PublishTest {

    private static final String BUCKET = "published";
    private static final String ROOT = "s3a://" + BUCKET;

    private static Path dir;
    private static S3ProxyServer server;
    private static Path model;

    @BeforeAll
    static void startServer() throws Exception {
        dir = E2eEnvironment.workDir("s3-publish");
        server = S3ProxyServer.start(dir);
        server.createBucket(BUCKET);
        model = BuiltinModels.defaultEmbeddingModel();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void publishedModelLoadsBackFromS3a() throws Exception {
        String target = ROOT + "/models/all-MiniLM-L6-v2";

        Run published = publish("--model", model.toString(), "--to", target, "--license", "apache-2.0",
                "--base-model", "sentence-transformers/all-MiniLM-L6-v2");
        assertEquals(0, published.exitCode(), published.err());
        assertTrue(published.out().contains("README.md was generated"), published.out());

        Configuration conf = server.hadoopConfiguration();
        assertTrue(CheckpointPublisher.isComplete(target, conf), "the marker lists every file with its size");
        List<String> keys = bucketKeys(conf);
        assertTrue(keys.stream().noneMatch(key -> key.contains("_temporary-")), "no temporary prefix is left: " + keys);
        assertTrue(keys.contains(target + "/_SUCCESS"), keys.toString());

        Path copy = RemoteCheckpoints.copy(target, conf, new CheckpointCache(dir.resolve("cache")));
        for (Path file : regularFiles(model)) {
            Path copied = copy.resolve(model.relativize(file).toString());
            assertEquals(-1L, Files.mismatch(file, copied), model.relativize(file) + " differs after the round trip");
        }
        String card = Files.readString(copy.resolve("README.md"));
        assertTrue(card.contains("pipeline_tag: sentence-similarity\n"), card);
        assertTrue(card.contains("bin/sparkformers embed --model " + target), card);

        try (PreTrainedModel<?> original = AutoModel.fromPretrained(model);
                PreTrainedModel<?> reloaded = AutoModel.fromPretrained(copy);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray ids = manager.create(new long[][] {{101, 7592, 2088, 102}});
            assertArrayEquals(lastHiddenState(original, ids), lastHiddenState(reloaded, ids));
        }
    }

    @Test
    void existingS3aTargetNeedsOverwrite() throws Exception {
        Path small = dir.resolve("small-checkpoint");
        Files.createDirectories(small);
        Files.copy(model.resolve("config.json"), small.resolve("config.json"));
        String target = ROOT + "/models/config-only";
        assertEquals(0, publish("--model", small.toString(), "--to", target).exitCode());

        Run again = publish("--model", small.toString(), "--to", target);
        assertEquals(1, again.exitCode(), again.out());
        assertTrue(again.err().contains("already exists"), again.err());

        Files.writeString(small.resolve("extra.txt"), "second version");
        Run overwrite = publish("--model", small.toString(), "--to", target, "--overwrite");
        assertEquals(0, overwrite.exitCode(), overwrite.err());
        Configuration conf = server.hadoopConfiguration();
        assertTrue(CheckpointPublisher.isComplete(target, conf));
        List<String> keys = bucketKeys(conf);
        assertTrue(keys.contains(target + "/extra.txt"), keys.toString());
        assertFalse(keys.stream().anyMatch(key -> key.contains("_temporary-")), keys.toString());
    }

    private record Run(int exitCode, String out, String err) {}

    /** Runs {@code publish} in this JVM with S3Proxy's settings as {@code --conf spark.hadoop.*} pairs. */
    private static Run publish(String... args) {
        List<String> arguments = new ArrayList<>(List.of("publish"));
        arguments.addAll(List.of(args));
        server.hadoopSettings().forEach((key, value) -> arguments.addAll(List.of("--conf", "spark.hadoop." + key
                + "=" + value)));
        arguments.addAll(List.of("--conf", "spark.hadoop.fs.s3a.impl.disable.cache=true"));

        CommandLine commandLine = SparkformersCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(arguments.toArray(String[]::new));
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static List<String> bucketKeys(Configuration conf) throws Exception {
        List<String> keys = new ArrayList<>();
        try (FileSystem fs = FileSystem.newInstance(URI.create(ROOT), conf)) {
            RemoteIterator<LocatedFileStatus> listing = fs.listFiles(new org.apache.hadoop.fs.Path(ROOT + "/"), true);
            while (listing.hasNext()) {
                keys.add(listing.next().getPath().toString());
            }
        }
        return keys;
    }

    private static List<Path> regularFiles(Path directory) throws Exception {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static float[] lastHiddenState(PreTrainedModel<?> model, NDArray ids) throws Exception {
        try (ModelOutput output = model.forward(ModelInputs.of(ids))) {
            return ((NDArray) output.get("last_hidden_state")).toFloatArray();
        }
    }
}
