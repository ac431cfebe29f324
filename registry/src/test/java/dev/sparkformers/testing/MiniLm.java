package dev.sparkformers.testing;

import dev.sparkformers.hub.BuiltinModels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The all-MiniLM-L6-v2 checkpoint for tests: the built-in model, imported from its Maven artifact
 * into the test cache, or the directory named by {@value #PROPERTY}.
 */
public final class MiniLm {

    /** System property that points tests at another checkpoint directory. */
    public static final String PROPERTY = "sparkformers.test.minilm";

    private MiniLm() {}

    /** The checkpoint directory. */
    public static Path checkpoint() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        try {
            return BuiltinModels.defaultEmbeddingModel();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot import the built-in all-MiniLM-L6-v2 model", e);
        }
    }
}
