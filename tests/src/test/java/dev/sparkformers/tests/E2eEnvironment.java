package dev.sparkformers.tests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The paths that the tests module's POM passes to the end-to-end tests as system properties: the
 * -spark jar, the Spark classpath and S3Proxy's jar. Each is checked with an assumption, so a test
 * run outside Maven skips with a message that names what is missing.
 */
final class E2eEnvironment {

    private E2eEnvironment() {}

    /** Returns the -spark jar that the shade plugin built in this module. */
    static Path sparkJar() {
        return existingFile("sparkformers.test.sparkJar", "run `mvn test` so that the shade plugin builds it");
    }

    /** Reads the jars of a Spark distribution with its cloud connectors, from tests/spark-runtime. */
    static List<Path> sparkClasspath() throws IOException {
        Path file = existingFile("sparkformers.test.sparkClasspath",
                "run `mvn test` from the repository root so that tests/spark-runtime writes it");
        String text = Files.readString(file).trim();
        assumeTrue(!text.isEmpty(), "The Spark classpath file " + file + " is empty");
        return Arrays.stream(text.split(java.io.File.pathSeparator)).map(Path::of).toList();
    }

    /** Returns S3Proxy's self-contained jar. */
    static Path s3proxyJar() {
        return existingFile("sparkformers.test.s3proxyJar", "run `mvn test` so that the dependency plugin copies it");
    }

    /** Creates a fresh directory for one test's files, under this module's target directory. */
    static Path workDir(String name) throws IOException {
        String root = System.getProperty("sparkformers.test.workDir");
        assumeTrue(root != null, "sparkformers.test.workDir is not set; run the tests through Maven");
        Path dir = Path.of(root, name);
        deleteRecursively(dir);
        return Files.createDirectories(dir);
    }

    /** Returns the repository root, for the sample corpus and the logging configuration. */
    static Path repoRoot() {
        String root = System.getProperty("sparkformers.test.repoRoot");
        assumeTrue(root != null, "sparkformers.test.repoRoot is not set; run the tests through Maven");
        return Path.of(root);
    }

    /** Returns the options of every JVM the tests start: DJL offline, the cache directory, Spark's module flags. */
    static List<String> jvmOptions() {
        String options = System.getProperty("sparkformers.test.jvmOptions");
        assumeTrue(options != null, "sparkformers.test.jvmOptions is not set; run the tests through Maven");
        return Arrays.stream(options.trim().split("\\s+")).filter(option -> !option.isEmpty()).toList();
    }

    /**
     * Returns the Scala version the build is for (2.13 for Spark 4, 2.12 for Spark 3.5), which
     * Spark's launcher reads from SPARK_SCALA_VERSION outside a release build.
     */
    static String scalaBinaryVersion() {
        String version = System.getProperty("sparkformers.test.scalaBinaryVersion");
        assumeTrue(version != null, "sparkformers.test.scalaBinaryVersion is not set; run the tests through Maven");
        return version;
    }

    /** Returns the bash that runs the deploy/ scripts, or skips the test when there is none. */
    static String bash() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String directory : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(directory, "bash");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        assumeTrue(false, "bash is not on the PATH; the deploy/ scripts need it");
        return null;
    }

    /** Returns the java binary running the tests, used for every child JVM. */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Reads an integer system property, or returns {@code fallback} when it is unset. */
    static int intProperty(String name, int fallback) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("System property " + name + " must be an integer, but is '" + value
                    + "'", e);
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(path)) {
            for (Path each : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }

    private static Path existingFile(String property, String hint) {
        String value = System.getProperty(property);
        assumeTrue(value != null, property + " is not set; " + hint);
        Path path = Path.of(value);
        assumeTrue(Files.isRegularFile(path), path + " (" + property + ") does not exist; " + hint);
        return path;
    }
}
