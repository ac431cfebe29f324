package dev.sparkformers.jobs;

import java.util.Locale;

/** What a job does when its output path already exists. */
public enum WriteMode {
    /** Fail before any work starts (the default). */
    ERROR_IF_EXISTS("errorifexists"),
    /** Replace the output. */
    OVERWRITE("overwrite"),
    /** Add files next to the existing ones. */
    APPEND("append");

    private final String sparkName;

    WriteMode(String sparkName) {
        this.sparkName = sparkName;
    }

    /** Spark's name for the mode. */
    public String sparkName() {
        return sparkName;
    }

    /** Parses {@code error}, {@code errorifexists}, {@code overwrite} or {@code append}. */
    public static WriteMode fromName(String name) {
        return switch (name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "")) {
            case "error", "errorifexists" -> ERROR_IF_EXISTS;
            case "overwrite" -> OVERWRITE;
            case "append" -> APPEND;
            default -> throw new IllegalArgumentException("Unknown write mode '" + name
                    + "'; use errorifexists, overwrite or append");
        };
    }
}
