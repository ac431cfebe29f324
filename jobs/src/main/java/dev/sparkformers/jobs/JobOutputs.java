package dev.sparkformers.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Checks on a job's output location, made before any work starts, and files written beside the data. */
public final class JobOutputs {

    private JobOutputs() {}

    /**
     * Fails if writing to {@code output} with {@code mode} would touch the input or an existing
     * output that the mode does not allow replacing.
     */
    public static void check(String input, String output, WriteMode mode, Configuration conf) throws IOException {
        Path outputPath = qualified(output, conf);
        Path inputPath = qualified(input, conf);
        String out = withSlash(outputPath);
        String in = withSlash(inputPath);
        if (out.equals(in) || in.startsWith(out) || out.startsWith(in)) {
            throw new IllegalArgumentException("Output " + output + " overlaps the input " + input
                    + "; write to a separate location");
        }
        FileSystem fs = outputPath.getFileSystem(conf);
        if (mode == WriteMode.ERROR_IF_EXISTS && fs.exists(outputPath)) {
            throw new IllegalArgumentException("Output " + output + " already exists; pass --mode overwrite to "
                    + "replace it or --mode append to add to it");
        }
    }

    /** Writes a small UTF-8 file at {@code output/name}, replacing it. */
    public static void writeText(String output, String name, String text, Configuration conf) throws IOException {
        Path path = new Path(qualified(output, conf), name);
        FileSystem fs = path.getFileSystem(conf);
        try (FSDataOutputStream out = fs.create(path, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Path qualified(String location, Configuration conf) throws IOException {
        Path path = new Path(location);
        return path.getFileSystem(conf).makeQualified(path);
    }

    private static String withSlash(Path path) {
        String text = path.toString();
        return text.endsWith("/") ? text : text + "/";
    }
}
