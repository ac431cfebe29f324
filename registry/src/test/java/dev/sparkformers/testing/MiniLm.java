package dev.sparkformers.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds a HuggingFace checkpoint of all-MiniLM-L6-v2 for tests.
 */
public final class MiniLm {

    /** System property that points tests at a checkpoint directory. */
    public static final String PROPERTY = "sparkformers.test.minilm";

    private MiniLm() {}

    /** The checkpoint directory; skips the calling test, with a message, when none is available. */
    public static Path checkpoint() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        Path shared = Path.of("..", "..", "shared", "fixtures", "all-MiniLM-L6-v2").toAbsolutePath().normalize();
        boolean present = Files.isRegularFile(shared.resolve("model.safetensors"));
        if (!present) {
            System.err.println("SKIPPED: no all-MiniLM-L6-v2 checkpoint; set -D" + PROPERTY + "=DIR");
        }
        assumeTrue(present, "no all-MiniLM-L6-v2 checkpoint; set -D" + PROPERTY + "=DIR");
        return shared;
    }
}
