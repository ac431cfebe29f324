package dev.sparkformers.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * A Spark standalone cluster on 127.0.0.1: a Master and Workers, each its own JVM, started from
 * Spark's deploy classes on the Maven-built Spark classpath.
 *
 * <p>There is no Spark distribution, so the cluster gets a SPARK_HOME of its own: {@code jars/}
 * links to the jars of tests/spark-runtime (Workers build executor classpaths from it), a
 * {@code RELEASE} file marks it as a distribution, and {@code conf/} holds the logging
 * configuration, and {@code bin/spark-submit} stands in for Spark's script. Each Worker runs
 * deploy/gpu-discovery.sh against a stand-in for nvidia-smi that lists the GPU addresses it is
 * given, so that GPU scheduling can be tested without a GPU.
 */
final class StandaloneCluster implements AutoCloseable {

    private final Path sparkHome;
    private final ChildProcess master;
    private final List<ChildProcess> workers;
    private final String masterUrl;

    private StandaloneCluster(Path sparkHome, ChildProcess master, List<ChildProcess> workers, String masterUrl) {
        this.sparkHome = sparkHome;
        this.master = master;
        this.workers = workers;
        this.masterUrl = masterUrl;
    }

    /**
     * Starts a Master and one Worker per entry of {@code gpuAddresses}, each with 2 cores, 2 GiB for
     * executors and the listed GPU addresses, and waits until every Worker has registered.
     */
    static StandaloneCluster start(Path dir, List<List<String>> gpuAddresses) throws IOException,
            InterruptedException, TimeoutException {
        Path sparkHome = createSparkHome(dir.resolve("spark-home"));
        int masterPort = FreePorts.find();
        String masterUrl = "spark://127.0.0.1:" + masterPort;

        List<String> masterCommand = daemonCommand(sparkHome, "org.apache.spark.deploy.master.Master");
        masterCommand.addAll(List.of("--host", "127.0.0.1", "--port", Integer.toString(masterPort),
                "--webui-port", Integer.toString(FreePorts.find()), "--properties-file",
                writeProperties(dir.resolve("master.properties"), Map.of("spark.master.rest.enabled", "false"))
                        .toString()));
        ChildProcess master = ChildProcess.start("Spark Master", masterCommand, environment(sparkHome),
                dir.resolve("logs/master.log"));
        List<ChildProcess> workers = new ArrayList<>();
        try {
            FreePorts.awaitListening(masterPort, master, Duration.ofSeconds(90));
            for (int i = 0; i < gpuAddresses.size(); i++) {
                workers.add(startWorker(dir, sparkHome, masterUrl, i + 1, gpuAddresses.get(i)));
            }
            master.awaitOutput("Registering worker", gpuAddresses.size(), Duration.ofSeconds(90));
        } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
            workers.forEach(ChildProcess::close);
            master.close();
            throw e;
        }
        return new StandaloneCluster(sparkHome, master, workers, masterUrl);
    }

    String masterUrl() {
        return masterUrl;
    }

    /** Returns the Master's log so far. */
    String masterOutput() {
        return master.output();
    }

    /** Executor JVMs that Worker {@code index} (from 0) runs now. */
    List<ProcessHandle> executors(int index) {
        List<ProcessHandle> executors = new ArrayList<>();
        for (ProcessHandle process : workers.get(index).descendants()) {
            String commandLine = process.info().commandLine().orElse("");
            if (process.isAlive() && commandLine.contains("CoarseGrainedExecutorBackend")) {
                executors.add(process);
            }
        }
        return executors;
    }

    int workerCount() {
        return workers.size();
    }

    @Override
    public void close() {
        workers.forEach(ChildProcess::close);
        master.close();
    }

    private static ChildProcess startWorker(Path dir, Path sparkHome, String masterUrl, int number, List<String> gpus)
            throws IOException {
        // The Worker runs deploy/gpu-discovery.sh, which finds this stand-in for nvidia-smi first on its PATH.
        Path bin = Files.createDirectories(dir.resolve("worker-" + number + "-bin"));
        Path nvidiaSmi = bin.resolve("nvidia-smi");
        Files.writeString(nvidiaSmi, "#!/usr/bin/env bash\nprintf '" + String.join("\\n", gpus) + "\\n'\n");
        Files.setPosixFilePermissions(nvidiaSmi, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = E2eEnvironment.repoRoot().resolve("deploy").resolve("gpu-discovery.sh");
        Path properties = writeProperties(dir.resolve("worker-" + number + ".properties"), Map.of(
                "spark.worker.resource.gpu.amount", Integer.toString(gpus.size()),
                "spark.worker.resource.gpu.discoveryScript", script.toString()));

        List<String> command = daemonCommand(sparkHome, "org.apache.spark.deploy.worker.Worker");
        command.addAll(List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", Integer.toString(FreePorts.find()),
                "--cores", "2", "--memory", "2g", "--work-dir", Files.createDirectories(dir.resolve("work-" + number))
                        .toString(), "--properties-file", properties.toString(), masterUrl));
        Map<String, String> environment = new HashMap<>(environment(sparkHome));
        environment.put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        return ChildProcess.start("Spark Worker " + number, command, environment,
                dir.resolve("logs/worker-" + number + ".log"));
    }

    private static List<String> daemonCommand(Path sparkHome, String mainClass) {
        List<String> command = new ArrayList<>();
        command.add(E2eEnvironment.javaBinary());
        command.add("-Xmx512m");
        command.addAll(E2eEnvironment.jvmOptions());
        command.add("-cp");
        command.add(sparkHome.resolve("conf") + "/:" + sparkHome.resolve("jars") + "/*");
        command.add(mainClass);
        return command;
    }

    /**
     * The environment of the Master and Workers, which Workers pass on to executors: the SPARK_HOME
     * whose jars/ executors run on, the build's Scala version (Spark's launcher requires it outside
     * a release build), and 127.0.0.1 for every port.
     */
    private static Map<String, String> environment(Path sparkHome) {
        return Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", E2eEnvironment.scalaBinaryVersion(),
                "SPARK_LOCAL_IP", "127.0.0.1", "SPARK_LOCAL_HOSTNAME", "127.0.0.1",
                "SPARK_CONF_DIR", sparkHome.resolve("conf").toString());
    }

    private static Path createSparkHome(Path sparkHome) throws IOException {
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        for (Path jar : E2eEnvironment.sparkClasspath()) {
            Path link = jars.resolve(jar.getFileName());
            if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                // Two artifacts with one file name: keep both under distinct names.
                link = jars.resolve(jar.getParent().getFileName() + "-" + jar.getFileName());
            }
            Files.createSymbolicLink(link, jar);
        }
        Files.writeString(sparkHome.resolve("RELEASE"), "Spark classpath from tests/spark-runtime\n");

        // Spark's bin/spark-submit runs SparkSubmit through its launcher; this stand-in runs it directly.
        Path submit = Files.createDirectories(sparkHome.resolve("bin")).resolve("spark-submit");
        List<String> java = daemonCommand(sparkHome, "org.apache.spark.deploy.SparkSubmit");
        java.set(java.indexOf("-Xmx512m"), "-Xmx1g");
        Files.writeString(submit, "#!/usr/bin/env bash\nexec " + String.join(" ", java.stream()
                .map(StandaloneCluster::shellQuote).toList()) + " \"$@\"\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        // The repository's logging, plus Spark's deploy messages that the cluster's start is checked by.
        Path conf = Files.createDirectories(sparkHome.resolve("conf"));
        String logging = Files.readString(E2eEnvironment.repoRoot().resolve("conf/log4j2.properties"))
                + "\nlogger.deploy.name = org.apache.spark.deploy\nlogger.deploy.level = info\n";
        Files.writeString(conf.resolve("log4j2.properties"), logging);
        return sparkHome;
    }

    private static String shellQuote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Returns the SPARK_HOME the cluster runs on, with {@code bin/spark-submit}. */
    Path sparkHome() {
        return sparkHome;
    }

    private static Path writeProperties(Path file, Map<String, String> properties) throws IOException {
        StringBuilder text = new StringBuilder();
        properties.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Files.writeString(file, text);
        return file;
    }
}
