package dev.sparkformers.udfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.sparkformers.auto.AutoModel;
import dev.sparkformers.auto.AutoModelForCausalLM;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.ModelOutput;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.testing.TestCheckpoints;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Publishing checkpoints to file: URIs: the files, the model card, the marker, overwrite and failures. */
class CheckpointPublisherTest {

    @TempDir
    Path dir;

    @Test
    void publishedFilesEqualTheSource() throws Exception {
        Path source = bertCheckpoint("source");
        Path target = dir.resolve("published/tiny-bert");
        String location = target.toUri().toString();

        PublishedCheckpoint published = CheckpointPublisher.publish(source, location,
                new Configuration(), new PublishOptions(false, "apache-2.0", "google-bert/bert-base-uncased"));

        Map<String, byte[]> sourceFiles = contents(source);
        Map<String, byte[]> targetFiles = contents(target);
        for (Map.Entry<String, byte[]> file : sourceFiles.entrySet()) {
            assertArrayEquals(file.getValue(), targetFiles.get(file.getKey()), file.getKey() + " differs");
        }
        assertEquals(List.of("README.md", "_SUCCESS", "config.json", "model.safetensors", "tokenizer.json",
                "tokenizer_config.json"),
                List.copyOf(targetFiles.keySet()), "no .crc or other files besides the card and the marker");
        assertTrue(published.generatedModelCard());
        assertEquals(Files.size(target.resolve("README.md")), published.files().get("README.md"));
        assertEquals(5, published.files().size(), "the marker is not among the published files");

        String card = Files.readString(target.resolve("README.md"));
        assertTrue(card.startsWith("---\nlibrary_name: sparkformers\nlicense: apache-2.0\n"), card);
        assertTrue(card.contains("base_model: google-bert/bert-base-uncased\n"), card);
        assertTrue(card.contains("--model " + location), "the card uses the target as given: " + card);

        assertTrue(CheckpointPublisher.isComplete(target.toUri().toString(), new Configuration()));
        assertEquals(List.of("tiny-bert"), siblings(target), "no temporary directory is left");
    }

    @Test
    void publishedModelGivesIdenticalOutputs() throws Exception {
        Path source = bertCheckpoint("source");
        Path target = dir.resolve("published/tiny-bert");

        CheckpointPublisher.publish(source, target.toUri().toString(), new Configuration(), PublishOptions.DEFAULTS);

        try (PreTrainedModel<?> original = AutoModel.fromPretrained(source);
                PreTrainedModel<?> reloaded = AutoModel.fromPretrained(target);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray ids = manager.create(new long[][] {{998, 17, 42, 311, 999}});
            assertArrayEquals(lastHiddenState(original, ids), lastHiddenState(reloaded, ids));
            assertTrue(reloaded.loadReport().missingKeys().isEmpty(), reloaded.loadReport().toString());
        }
    }

    @Test
    void modelIsSavedThenPublished() throws Exception {
        Path source = TestCheckpoints.tinyGpt2WithTokenizer("tiny-gpt2", dir.resolve("gpt2"));
        Path target = dir.resolve("published/gpt2");

        try (PreTrainedModel<?> model = AutoModelForCausalLM.fromPretrained(source)) {
            CheckpointPublisher.publish(model, List.of(source.resolve("tokenizer.json"),
                    source.resolve("tokenizer_config.json")), target.toUri().toString(), new Configuration(),
                    PublishOptions.DEFAULTS);
        }

        assertTrue(Files.isRegularFile(target.resolve("generation_config.json")), "savePretrained's files are there");
        assertArrayEquals(Files.readAllBytes(source.resolve("tokenizer.json")),
                Files.readAllBytes(target.resolve("tokenizer.json")));
        assertTrue(Files.readString(target.resolve("README.md")).contains("pipeline_tag: text-generation"));
        try (PreTrainedModel<?> original = AutoModelForCausalLM.fromPretrained(source);
                PreTrainedModel<?> reloaded = AutoModelForCausalLM.fromPretrained(target);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray ids = manager.create(new long[][] {{3, 14, 159, 265}});
            assertArrayEquals(logits(original, ids), logits(reloaded, ids));
        }
    }

    @Test
    void existingTargetRejectedWithoutOverwrite() throws Exception {
        Path source = bertCheckpoint("source");
        Path target = dir.resolve("published/tiny-bert");
        CheckpointPublisher.publish(source, target.toUri().toString(), new Configuration(), PublishOptions.DEFAULTS);
        Map<String, byte[]> before = contents(target);

        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> CheckpointPublisher
                .publish(source, target.toUri().toString(), new Configuration(), PublishOptions.DEFAULTS));

        assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
        assertContentsEqual(before, contents(target));
        assertEquals(List.of("tiny-bert"), siblings(target));
    }

    @Test
    void overwriteReplacesTheTarget() throws Exception {
        Path target = dir.resolve("published/model");
        CheckpointPublisher.publish(bertCheckpoint("bert"), target.toUri().toString(), new Configuration(),
                PublishOptions.DEFAULTS);
        Path classifier = TestCheckpoints.copyGolden("tiny-bert-cls", dir.resolve("bert-cls"));

        CheckpointPublisher.publish(classifier, target.toUri().toString(), new Configuration(),
                PublishOptions.DEFAULTS.withOverwrite(true));

        assertFalse(Files.exists(target.resolve("tokenizer.json")), "files of the old checkpoint are gone");
        assertArrayEquals(Files.readAllBytes(classifier.resolve("model.safetensors")),
                Files.readAllBytes(target.resolve("model.safetensors")));
        assertTrue(Files.readString(target.resolve("README.md")).contains("pipeline_tag: text-classification"));
        assertTrue(CheckpointPublisher.isComplete(target.toUri().toString(), new Configuration()));
        assertEquals(List.of("model"), siblings(target));
    }

    @Test
    void failureMidwayLeavesNoTarget() throws Exception {
        Path source = bertCheckpoint("source");
        Path target = dir.resolve("published/tiny-bert");

        IOException e = assertThrows(IOException.class, () -> CheckpointPublisher.publish(source,
                target.toUri().toString(), failingOnWeights(), PublishOptions.DEFAULTS));

        assertTrue(e.getMessage().contains(FailingLocalFileSystem.MESSAGE), e.getMessage());
        assertFalse(Files.exists(target), "no target after a failed publication");
        assertEquals(List.of(), siblings(target), "the temporary directory, which had config.json, is deleted");
    }

    @Test
    void failedOverwriteKeepsTheOldTarget() throws Exception {
        Path source = bertCheckpoint("source");
        Path target = dir.resolve("published/tiny-bert");
        CheckpointPublisher.publish(source, target.toUri().toString(), new Configuration(), PublishOptions.DEFAULTS);
        Map<String, byte[]> before = contents(target);
        Path classifier = TestCheckpoints.copyGolden("tiny-bert-cls", dir.resolve("bert-cls"));

        assertThrows(IOException.class, () -> CheckpointPublisher.publish(classifier, target.toUri().toString(),
                failingOnWeights(), PublishOptions.DEFAULTS.withOverwrite(true)));

        assertContentsEqual(before, contents(target));
        assertTrue(CheckpointPublisher.isComplete(target.toUri().toString(), new Configuration()));
        assertEquals(List.of("tiny-bert"), siblings(target));
    }

    @Test
    void incompleteTargetIsNotComplete() throws Exception {
        Path source = bertCheckpoint("source");
        Path target = dir.resolve("published/tiny-bert");
        CheckpointPublisher.publish(source, target.toUri().toString(), new Configuration(), PublishOptions.DEFAULTS);

        Files.write(target.resolve("model.safetensors"), new byte[] {1, 2, 3});
        assertFalse(CheckpointPublisher.isComplete(target.toUri().toString(), new Configuration()),
                "a file whose size differs from the marker's");
        Files.delete(target.resolve(CheckpointPublisher.MARKER));
        assertFalse(CheckpointPublisher.isComplete(target.toUri().toString(), new Configuration()), "no marker");
    }

    @Test
    void targetInsideSourceIsRejected() throws Exception {
        Path source = bertCheckpoint("source");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CheckpointPublisher
                .publish(source, source.resolve("copy").toUri().toString(), new Configuration(),
                        PublishOptions.DEFAULTS));

        assertTrue(e.getMessage().contains("overlaps the source"), e.getMessage());
    }

    /** The tiny BERT with a word-level tokenizer. */
    private Path bertCheckpoint(String name) {
        Path checkpoint = TestCheckpoints.copyGolden("tiny-bert", dir.resolve(name));
        TestCheckpoints.writeWordLevelTokenizer(checkpoint, 1000, 996);
        return checkpoint;
    }

    /** A configuration whose file: scheme fails to create {@code model.safetensors}. */
    private static Configuration failingOnWeights() {
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", FailingLocalFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return conf;
    }

    /**
     * The local file system, except that creating a file named model.safetensors fails. Both create
     * methods that RawLocalFileSystem implements are overridden.
     */
    public static final class FailingLocalFileSystem extends RawLocalFileSystem {

        static final String MESSAGE = "injected failure creating model.safetensors";

        @Override
        public FSDataOutputStream create(org.apache.hadoop.fs.Path file, FsPermission permission, boolean overwrite,
                int bufferSize, short replication, long blockSize, Progressable progress) throws IOException {
            failOnWeights(file);
            return super.create(file, permission, overwrite, bufferSize, replication, blockSize, progress);
        }

        @Override
        public FSDataOutputStream create(org.apache.hadoop.fs.Path file, boolean overwrite, int bufferSize,
                short replication, long blockSize, Progressable progress) throws IOException {
            failOnWeights(file);
            return super.create(file, overwrite, bufferSize, replication, blockSize, progress);
        }

        private static void failOnWeights(org.apache.hadoop.fs.Path file) throws IOException {
            if (file.getName().equals("model.safetensors")) {
                throw new IOException(MESSAGE);
            }
        }
    }

    private static float[] lastHiddenState(PreTrainedModel<?> model, NDArray ids) {
        try (ModelOutput output = model.forward(ModelInputs.of(ids))) {
            return ((NDArray) output.get("last_hidden_state")).toFloatArray();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static float[] logits(PreTrainedModel<?> model, NDArray ids) {
        try (ModelOutput output = model.forward(ModelInputs.of(ids))) {
            return ((NDArray) output.get("logits")).toFloatArray();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Every file under {@code directory} by relative path, sorted. */
    private static Map<String, byte[]> contents(Path directory) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(directory.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }

    private static void assertContentsEqual(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name + " changed"));
    }

    /** Names in the target's parent directory, sorted: the target and any temporary directory. */
    private static List<String> siblings(Path target) throws IOException {
        if (!Files.isDirectory(target.getParent())) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(target.getParent())) {
            return list.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
