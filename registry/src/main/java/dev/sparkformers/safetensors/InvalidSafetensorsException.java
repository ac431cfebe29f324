package dev.sparkformers.safetensors;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file or sharded index that is malformed, truncated or inconsistent. */
public class InvalidSafetensorsException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public InvalidSafetensorsException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public InvalidSafetensorsException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file that failed validation. */
    public Path file() {
        return file;
    }
}
