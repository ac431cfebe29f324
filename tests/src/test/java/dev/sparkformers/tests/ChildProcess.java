package dev.sparkformers.tests;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process the tests started (S3Proxy, a Spark Master, Worker or spark-submit), with its output in a
 * log file. Closing it kills it and every process it started, such as a Worker's executors.
 */
final class ChildProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} with {@code environment} added to this JVM's, writing its output to {@code log}. */
    static ChildProcess start(String name, List<String> command, Map<String, String> environment, Path log)
            throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        LOG.info("Started {} (pid {}), output in {}", name, process.pid(), log);
        ChildProcess child = new ChildProcess(name, process, log);
        // A test JVM that exits early (a failed assertion in setup, a timeout) leaves no servers behind.
        Runtime.getRuntime().addShutdownHook(new Thread(child::killTree, "stop " + name));
        return child;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Lists the processes this one started, such as a Worker's executors. */
    List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    /** Everything the process printed so far. */
    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    Path log() {
        return log;
    }

    /**
     * Waits for the process to exit and returns its exit code.
     *
     * @throws TimeoutException naming the process and its log when it runs past {@code timeout}
     */
    int waitFor(Duration timeout) throws InterruptedException, TimeoutException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException(name + " (pid " + pid() + ") did not exit within " + timeout + "; see " + log);
        }
        return process.exitValue();
    }

    /** Waits until the output contains {@code text} at least {@code count} times. */
    void awaitOutput(String text, int count, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (occurrences(output(), text) < count) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before printing '"
                        + text + "'; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(name + " did not print '" + text + "' " + count + " times within "
                        + timeout + "; see " + log);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        killTree();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Stopped {} (pid {})", name, pid());
    }

    private void killTree() {
        for (ProcessHandle child : descendants()) {
            child.destroyForcibly();
        }
        process.destroyForcibly();
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }
}
