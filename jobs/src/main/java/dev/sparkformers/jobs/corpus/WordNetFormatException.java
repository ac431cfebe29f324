package dev.sparkformers.jobs.corpus;

import java.io.IOException;

/** A line of a WordNet database file that does not follow the WordNet 3.0 file format. */
public final class WordNetFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final long lineNumber;

    /**
     * @param source the file, or the resource, that contains the line
     * @param lineNumber 1-based line number, counting the licence header lines
     * @param problem what is wrong with the line, naming the field and its value
     */
    public WordNetFormatException(String source, long lineNumber, String problem) {
        super(source + " line " + lineNumber + ": " + problem);
        this.source = source;
        this.lineNumber = lineNumber;
    }

    /** Returns the file, or the resource, that contains the malformed line. */
    public String source() {
        return source;
    }

    /** Returns the 1-based number of the malformed line. */
    public long lineNumber() {
        return lineNumber;
    }
}
