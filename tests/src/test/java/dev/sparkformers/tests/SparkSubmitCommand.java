package dev.sparkformers.tests;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code spark-submit} of the -spark jar, started as {@code java ... org.apache.spark.deploy.SparkSubmit}
 * on the Spark classpath (there is no Spark distribution with its scripts), in client mode, so the
 * driver is the process the tests start and wait for.
 */
final class SparkSubmitCommand {

    private final String master;
    private final Map<String, String> conf = new LinkedHashMap<>();
    private final List<String> jobArguments = new ArrayList<>();

    SparkSubmitCommand(String master) {
        this.master = master;
        // Every Sparkformers JVM runs DJL offline and shares the test build's model cache.
        conf.put("spark.executor.extraJavaOptions", String.join(" ", executorOptions()));
        conf.put("spark.executorEnv.SPARKFORMERS_CACHE_DIR", cacheDirectory());
        conf.put("spark.driver.host", "127.0.0.1");
        conf.put("spark.driver.bindAddress", "127.0.0.1");
        conf.put("spark.ui.enabled", "false");
    }

    /** Sets a Spark property ({@code --conf key=value}). */
    SparkSubmitCommand conf(String key, String value) {
        conf.put(key, value);
        return this;
    }

    /** Sets Hadoop properties as {@code spark.hadoop.*} properties. */
    SparkSubmitCommand hadoop(Map<String, String> settings) {
        settings.forEach((key, value) -> conf.put("spark.hadoop." + key, value));
        return this;
    }

    /**
     * Writes Parquet to s3a through the S3A magic committer, as deploy/conf/spark-defaults.conf
     * configures it: tasks upload pending multipart uploads and the job commit completes them.
     */
    SparkSubmitCommand magicCommitter() {
        return hadoop(Map.of(
                "fs.s3a.committer.name", "magic",
                "fs.s3a.committer.magic.enabled", "true",
                "mapreduce.outputcommitter.factory.scheme.s3a", "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory"))
                .conf("spark.sql.sources.commitProtocolClass",
                        "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol")
                .conf("spark.sql.parquet.output.committer.class",
                        "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter");
    }

    /** Appends arguments of the Sparkformers command line, such as {@code embed --input ...}. */
    SparkSubmitCommand arguments(String... arguments) {
        jobArguments.addAll(List.of(arguments));
        return this;
    }

    /** Builds the java command line of the driver. */
    List<String> build() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(E2eEnvironment.javaBinary());
        command.add("-Xmx1g");
        command.addAll(E2eEnvironment.jvmOptions());
        command.add("-Dlog4j2.configurationFile=" + logConfiguration());
        command.add("-cp");
        command.add(String.join(File.pathSeparator, E2eEnvironment.sparkClasspath().stream().map(Path::toString)
                .toList()));
        command.add("org.apache.spark.deploy.SparkSubmit");
        command.add("--master");
        command.add(master);
        command.add("--deploy-mode");
        command.add("client");
        command.add("--class");
        command.add("dev.sparkformers.jobs.SparkformersCommand");
        conf.forEach((key, value) -> {
            command.add("--conf");
            command.add(key + "=" + value);
        });
        command.add(E2eEnvironment.sparkJar().toString());
        command.addAll(jobArguments);
        return command;
    }

    /**
     * Builds the command line that submits through deploy/sparkformers-submit.sh and the {@code bin/spark-submit}
     * of {@code sparkHome}, with the wrapper's own executor Java options (run it with
     * {@link #wrapperEnvironment}).
     */
    List<String> buildThroughWrapper() {
        List<String> command = new ArrayList<>(List.of(E2eEnvironment.bash(),
                E2eEnvironment.repoRoot().resolve("deploy").resolve("sparkformers-submit.sh").toString(),
                "--master", master, "--deploy-mode", "client"));
        conf.forEach((key, value) -> {
            if (!key.equals("spark.executor.extraJavaOptions")) {
                command.add("--conf");
                command.add(key + "=" + value);
            }
        });
        command.add("--");
        command.addAll(jobArguments);
        return command;
    }

    /** The environment of the wrapper: the Spark installation, the -spark jar and the model cache. */
    static Map<String, String> wrapperEnvironment(Path sparkHome) {
        Map<String, String> environment = new LinkedHashMap<>(environment());
        environment.put("SPARK_HOME", sparkHome.toString());
        environment.put("SPARKFORMERS_JAR", E2eEnvironment.sparkJar().toString());
        environment.put("SPARKFORMERS_CACHE_DIR", cacheDirectory());
        return environment;
    }

    /** Returns the environment of the driver, which binds Spark to 127.0.0.1 only. */
    static Map<String, String> environment() {
        return Map.of("SPARK_LOCAL_IP", "127.0.0.1", "SPARK_SCALA_VERSION", E2eEnvironment.scalaBinaryVersion());
    }

    /** JVM options of executors: the test JVM options and the repository's logging configuration. */
    static List<String> executorOptions() {
        List<String> options = new ArrayList<>();
        for (String option : E2eEnvironment.jvmOptions()) {
            // Spark adds its own module flags to executors, and rejects executor options that contain
            // "-Dspark" (so -Dsparkformers.* too); the cache directory goes through SPARKFORMERS_CACHE_DIR.
            if ((option.startsWith("-D") || option.startsWith("-Xss")) && !option.startsWith("-Dspark")) {
                options.add(option);
            }
        }
        options.add("-Dlog4j2.configurationFile=" + logConfiguration());
        return options;
    }

    /** Returns the model cache directory of the test build, from {@code -Dsparkformers.cache.dir}. */
    static String cacheDirectory() {
        String prefix = "-Dsparkformers.cache.dir=";
        return E2eEnvironment.jvmOptions().stream().filter(option -> option.startsWith(prefix))
                .map(option -> option.substring(prefix.length())).findFirst()
                .orElseThrow(() -> new IllegalStateException("The test JVM options set no " + prefix));
    }

    private static Path logConfiguration() {
        return E2eEnvironment.repoRoot().resolve("conf").resolve("log4j2.properties");
    }
}
