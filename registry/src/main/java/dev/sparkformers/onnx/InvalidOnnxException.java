package dev.sparkformers.onnx;

import java.io.IOException;

/** An ONNX file that is malformed, truncated, uses an unsupported feature, or is not the expected kind of graph. */
public class InvalidOnnxException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String source;

    /**
     * @param source the file or resource the model came from, named first in the message
     * @param problem what is wrong, in a sentence that names the fix where one is known
     */
    public InvalidOnnxException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    public InvalidOnnxException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
    }

    /** Returns the file or resource the model came from. */
    public String source() {
        return source;
    }
}
