package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.testing.TestCheckpoints;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** {@code sparkformers publish} to a file: URI, and the Hadoop settings it takes from --conf. */
class PublishCommandTest {

    @TempDir
    Path dir;

    @Test
    void publishThenRejectThenOverwrite() throws Exception {
        Path source = TestCheckpoints.copyGolden("tiny-bert", dir.resolve("tiny-bert"));
        String target = dir.resolve("published/tiny-bert").toUri().toString();

        CommandRun first = CommandRun.of("publish", "--model", source.toString(), "--to", target);
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("Published 3 files"), first.out());
        assertTrue(first.out().contains("README.md was generated"), first.out());
        Path published = dir.resolve("published/tiny-bert");
        assertArrayEquals(Files.readAllBytes(source.resolve("model.safetensors")),
                Files.readAllBytes(published.resolve("model.safetensors")));
        assertTrue(Files.isRegularFile(published.resolve("_SUCCESS")));

        CommandRun again = CommandRun.of("publish", "--model", source.toString(), "--to", target);
        assertEquals(1, again.exitCode(), again.out());
        assertTrue(again.err().contains("already exists"), again.err());
        assertTrue(again.err().contains("--overwrite"), again.err());

        CommandRun overwrite = CommandRun.of("publish", "--model", source.toString(), "--to", target, "--overwrite",
                "--license", "apache-2.0", "--base-model", "google-bert/bert-base-uncased");
        assertEquals(0, overwrite.exitCode(), overwrite.err());
        String card = Files.readString(published.resolve("README.md"));
        assertTrue(card.contains("license: apache-2.0\n"), card);
        assertTrue(card.contains("base_model: google-bert/bert-base-uncased\n"), card);
    }

    @Test
    void missingSourceIsAnError() {
        CommandRun run = CommandRun.of("publish", "--model", dir.resolve("absent").toString(), "--to",
                dir.resolve("out").toUri().toString());

        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("does not exist"), run.err());
    }

    @Test
    void sparkHadoopSettingsReachHadoop() {
        var conf = HadoopSettings.configuration(Map.of("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9",
                "spark.executor.memory", "2g"));

        assertEquals("http://127.0.0.1:9", conf.get("fs.s3a.endpoint"));
        assertEquals(null, conf.get("executor.memory"), "only spark.hadoop.* keys are copied");
    }

}
