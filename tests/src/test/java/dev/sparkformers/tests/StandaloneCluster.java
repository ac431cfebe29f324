package dev.sparkformers.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
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
 * configuration. Each Worker offers the GPU addresses that a fake discovery script prints, so that
 * GPU scheduling can be tested without a GPU.
 */
final class StandaloneCluster implements AutoCloseable {

    private final Path dir;
    private final Path sparkHome;
    private final ChildJvm master;
    private final List<ChildJvm> workers;
    private final String masterUrl;

    private StandaloneCluster(Path dir, Path sparkHome, ChildJvm master, List<ChildJvm> workers, String masterUrl) {
        this.dir = dir;
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
        ChildJvm master = ChildJvm.start("Spark Master", masterCommand, environment(sparkHome),
                dir.resolve("logs/master.log"));
        List<ChildJvm> workers = new ArrayList<>();
        try {
            FreePorts.awaitListening(masterPort, master, Duration.ofSeconds(90));
            for (int i = 0; i < gpuAddresses.size(); i++) {
                workers.add(startWorker(dir, sparkHome, masterUrl, i + 1, gpuAddresses.get(i)));
            }
            master.awaitOutput("Registering worker", gpuAddresses.size(), Duration.ofSeconds(90));
        } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
            workers.forEach(ChildJvm::close);
            master.close();
            throw e;
        }
        return new StandaloneCluster(dir, sparkHome, master, workers, masterUrl);
    }

    String masterUrl() {
        return masterUrl;
    }

    /** The Master's log so far. */
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
        workers.forEach(ChildJvm::close);
        master.close();
    }

    private static ChildJvm startWorker(Path dir, Path sparkHome, String masterUrl, int number, List<String> gpus)
            throws IOException {
        Path script = dir.resolve("worker-" + number + "-gpus.sh");
        String json = "{\"name\": \"gpu\", \"addresses\": [" + String.join(", ", gpus.stream()
                .map(address -> "\"" + address + "\"").toList()) + "]}";
        // A fake discovery script: it prints what deploy/gpu-discovery.sh prints on a machine with these GPUs.
        Files.writeString(script, "#!/usr/bin/env bash\necho '" + json + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path properties = writeProperties(dir.resolve("worker-" + number + ".properties"), Map.of(
                "spark.worker.resource.gpu.amount", Integer.toString(gpus.size()),
                "spark.worker.resource.gpu.discoveryScript", script.toString()));

        List<String> command = daemonCommand(sparkHome, "org.apache.spark.deploy.worker.Worker");
        command.addAll(List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", Integer.toString(FreePorts.find()),
                "--cores", "2", "--memory", "2g", "--work-dir", Files.createDirectories(dir.resolve("work-" + number))
                        .toString(), "--properties-file", properties.toString(), masterUrl));
        return ChildJvm.start("Spark Worker " + number, command, environment(sparkHome),
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
     * whose jars/ executors run on, Scala 2.13 (Spark's launcher asks for it outside a release
     * build), and 127.0.0.1 for every port.
     */
    private static Map<String, String> environment(Path sparkHome) {
        return Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13",
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
        // The repository's logging, plus Spark's deploy messages that the cluster's start is checked by.
        Path conf = Files.createDirectories(sparkHome.resolve("conf"));
        String logging = Files.readString(E2eEnvironment.repoRoot().resolve("conf/log4j2.properties"))
                + "\nlogger.deploy.name = org.apache.spark.deploy\nlogger.deploy.level = info\n";
        Files.writeString(conf.resolve("log4j2.properties"), logging);
        return sparkHome;
    }

    private static Path writeProperties(Path file, Map<String, String> properties) throws IOException {
        StringBuilder text = new StringBuilder();
        properties.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Files.writeString(file, text);
        return file;
    }
}
