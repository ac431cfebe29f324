package dev.sparkformers.jobs;

import java.util.Locale;

/** Corpus formats a job reads, and how a format is inferred from a path. */
public enum InputFormat {
    PARQUET("parquet"),
    /** JSON lines: one JSON object per line. */
    JSON("json"),
    /** CSV with a header line. */
    CSV("csv"),
    /** Plain text: one document per line; ids are 1-based line numbers. */
    TEXT("text");

    private final String sparkName;

    InputFormat(String sparkName) {
        this.sparkName = sparkName;
    }

    /** Spark's data source name. */
    public String sparkName() {
        return sparkName;
    }

    /**
     * Parses a format name ({@code parquet}, {@code json}, {@code jsonl}, {@code csv}, {@code text}).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static InputFormat fromName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "parquet" -> PARQUET;
            case "json", "jsonl", "ndjson" -> JSON;
            case "csv" -> CSV;
            case "text", "txt" -> TEXT;
            default -> throw new IllegalArgumentException("Unknown input format '" + name
                    + "'; use parquet, json (JSON lines), csv or text");
        };
    }

    /**
     * Infers the format from a path's extension.
     *
     * @throws IllegalArgumentException if the extension says nothing, asking for {@code --input-format}
     */
    public static InputFormat infer(String path) {
        String lower = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
        for (String suffix : new String[] {".gz", ".bz2", ".zst", ".snappy", ".lz4"}) {
            if (lower.endsWith(suffix)) {
                lower = lower.substring(0, lower.length() - suffix.length());
            }
        }
        if (lower.endsWith(".parquet")) {
            return PARQUET;
        }
        if (lower.endsWith(".jsonl") || lower.endsWith(".json") || lower.endsWith(".ndjson")) {
            return JSON;
        }
        if (lower.endsWith(".csv")) {
            return CSV;
        }
        if (lower.endsWith(".txt")) {
            return TEXT;
        }
        throw new IllegalArgumentException("Cannot infer the format of input '" + path
                + "' from its name; pass --input-format parquet|json|csv|text");
    }
}
