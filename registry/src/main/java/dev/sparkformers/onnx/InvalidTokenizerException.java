package dev.sparkformers.onnx;

import java.io.IOException;
import java.nio.file.Path;

/** A tokenizer.json that is malformed or not a BERT (WordPiece) tokenizer. */
public class InvalidTokenizerException extends IOException {

    private static final long serialVersionUID = 1L;

    public InvalidTokenizerException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public InvalidTokenizerException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
