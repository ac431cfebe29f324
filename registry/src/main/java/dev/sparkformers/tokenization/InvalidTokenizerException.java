package dev.sparkformers.tokenization;

import java.io.IOException;

/**
 * A tokenizer directory or file that is missing, malformed or unsupported: a missing
 * {@code tokenizer.json}, JSON that does not parse, an unsupported model type, or a
 * {@code tokenizer_config.json} value of the wrong type. The message names the file and the
 * problem.
 */
public class InvalidTokenizerException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String location;

    /**
     * Creates an exception for one file, directory or other source of tokenizer settings.
     *
     * @param location the file or directory (as a path string), or a description of the source
     * @param problem what is wrong and, where possible, how to fix it
     */
    public InvalidTokenizerException(String location, String problem) {
        super(location + ": " + problem);
        this.location = location;
    }

    /**
     * Creates an exception for one source of tokenizer settings, with the error that revealed
     * the problem.
     */
    public InvalidTokenizerException(String location, String problem, Throwable cause) {
        super(location + ": " + problem, cause);
        this.location = location;
    }

    /** The file, directory or other source that failed, as given to the constructor. */
    public String location() {
        return location;
    }
}
