package dev.sparkformers.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The -spark jar on a Spark standalone cluster of separate JVMs: a Master and two Workers on
 * 127.0.0.1, with spark-submit in client mode as the driver.
 */
class StandaloneClusterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Rows of the executor-kill corpus: about 20 s of work on two one-core executors on a 2-core machine. */
    private static final int ROWS = 300;
    private static final int PARTITIONS = 12;

    private static Path dir;
    private static StandaloneCluster cluster;
    private static Path corpus;

    @BeforeAll
    static void startCluster() throws Exception {
        dir = E2eEnvironment.workDir("cluster");
        E2eEnvironment.sparkJar();
        cluster = StandaloneCluster.start(dir, List.of(List.of("0", "1"), List.of("2", "3")));

        Path glosses = E2eEnvironment.repoRoot().resolve("data/wordnet-glosses/glosses.jsonl");
        List<String> lines = Files.readAllLines(glosses);
        corpus = dir.resolve("corpus/glosses.jsonl");
        Files.createDirectories(corpus.getParent());
        Files.write(corpus, lines.subList(0, ROWS));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void killedExecutorLeavesTheOutputExact() throws Exception {
        Path clean = dir.resolve("clean-out");
        assertEquals(0, embed("clean", clean, null), "the clean run failed; see " + dir.resolve("clean.log"));
        Map<String, float[]> expected = EmbeddingOutputs.read(clean);
        assertEquals(ROWS, expected.size());

        int runs = E2eEnvironment.intProperty("sparkformers.test.executorKillRuns", 1);
        for (int run = 1; run <= runs; run++) {
            Path output = dir.resolve("kill-out-" + run);
            ExecutorKiller killer = new ExecutorKiller(cluster, output);
            int exit = embed("kill-" + run, output, killer);

            assertEquals(0, exit, "run " + run + " failed; see " + dir.resolve("kill-" + run + ".log"));
            assertTrue(killer.killedPid > 0, "run " + run + ": no executor was killed: " + killer.note);
            assertFalse(killer.outputCompleteAtKill, "run " + run + ": the executor was killed after the job wrote"
                    + " its output");
            Map<String, float[]> actual = EmbeddingOutputs.read(output);
            double difference = EmbeddingOutputs.maxDifference(expected, actual);
            long rows = EmbeddingOutputs.count(output);
            System.out.printf("executor-kill run %d of %d: killed executor pid %d after %d of %d tasks had"
                    + " committed; %d rows (%d distinct ids), max |diff| to the clean run %.3g%n", run, runs,
                    killer.killedPid, killer.committedTasksAtKill, PARTITIONS, rows, actual.size(), difference);
            assertEquals(ROWS, rows, "run " + run + ": rows in the output");
            assertEquals(ROWS, actual.size(), "run " + run + ": distinct ids in the output");
            assertTrue(difference <= 1e-5, "run " + run + ": embeddings differ from the clean run by " + difference);
            assertEquals(List.of(), EmbeddingOutputs.leftovers(output), "run " + run + ": files the job left");
            JsonNode summary = JSON.readTree(output.resolve("_sparkformers_summary.json").toFile());
            assertEquals(ROWS, summary.get("rows").asLong(), "run " + run + ": rows in the job summary");
        }
    }

    /**
     * Workers offer GPUs 0,1 and 2,3 through deploy/gpu-discovery.sh, and the job goes through
     * deploy/sparkformers-submit.sh: each task must get one address of its own executor's Worker.
     */
    @Test
    void tasksGetTheirExecutorsGpuAddresses() throws Exception {
        Path report = dir.resolve("devices-out");
        SparkSubmitCommand command = new SparkSubmitCommand(cluster.masterUrl())
                .conf("spark.executor.cores", "2")
                .conf("spark.executor.memory", "512m")
                .conf("spark.cores.max", "4")
                .conf("spark.executor.resource.gpu.amount", "2")
                .conf("spark.task.resource.gpu.amount", "1")
                .conf("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                .conf("spark.scheduler.maxRegisteredResourcesWaitingTime", "60s")
                .arguments("devices", "--tasks", "8", "--task-millis", "1500", "--output", report.toString());
        int exit;
        try (ChildProcess driver = ChildProcess.start("sparkformers-submit.sh devices", command.buildThroughWrapper(),
                SparkSubmitCommand.wrapperEnvironment(cluster.sparkHome()), dir.resolve("devices.log"))) {
            exit = driver.waitFor(Duration.ofMinutes(5));
        }
        assertEquals(0, exit, "the devices run through deploy/sparkformers-submit.sh failed; see "
                + dir.resolve("devices.log"));

        Map<String, Set<String>> addressesByExecutor = new HashMap<>();
        List<JsonNode> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(report)) {
            for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    rows.add(JSON.readTree(line));
                }
            }
        }
        assertEquals(8, rows.size(), "one report row per task");
        for (JsonNode row : rows) {
            JsonNode addresses = row.get("gpu_addresses");
            assertEquals(1, addresses.size(), "each task gets one GPU: " + row);
            String address = addresses.get(0).asText();
            assertEquals("gpu(" + address + ")", row.get("device").asText(), "the task runs on its GPU: " + row);
            addressesByExecutor.computeIfAbsent(row.get("executor_id").asText(), id -> new HashSet<>()).add(address);
        }
        System.out.println("GPU addresses by executor: " + addressesByExecutor);

        assertEquals(2, addressesByExecutor.size(), "tasks ran on both executors: " + addressesByExecutor);
        Set<String> all = new HashSet<>();
        for (Set<String> addresses : addressesByExecutor.values()) {
            assertTrue(addresses.equals(Set.of("0", "1")) || addresses.equals(Set.of("2", "3")),
                    "an executor uses exactly the two GPUs its Worker offers: " + addressesByExecutor);
            all.addAll(addresses);
        }
        assertEquals(Set.of("0", "1", "2", "3"), all, "executors on different Workers use different GPUs");
    }

    private static int embed(String name, Path output, ExecutorKiller killer) throws Exception {
        SparkSubmitCommand command = new SparkSubmitCommand(cluster.masterUrl())
                .conf("spark.executor.cores", "1")
                .conf("spark.executor.memory", "1g")
                .conf("spark.cores.max", "2")
                .conf("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                .conf("spark.scheduler.maxRegisteredResourcesWaitingTime", "60s")
                .arguments("embed", "--input", corpus.toString(), "--output", output.toString(),
                        "--partitions", Integer.toString(PARTITIONS), "--chunk-rows", "16");
        if (killer == null) {
            return submit(name, command);
        }
        try (ChildProcess driver = ChildProcess.start("spark-submit " + name, command.build(),
                SparkSubmitCommand.environment(), dir.resolve(name + ".log"))) {
            killer.killOneExecutorMidJob(driver, Duration.ofMinutes(4));
            return driver.waitFor(Duration.ofMinutes(5));
        }
    }

    private static int submit(String name, SparkSubmitCommand command) throws Exception {
        try (ChildProcess driver = ChildProcess.start("spark-submit " + name, command.build(),
                SparkSubmitCommand.environment(), dir.resolve(name + ".log"))) {
            return driver.waitFor(Duration.ofMinutes(5));
        }
    }

    /**
     * Kills one executor once the job has committed its first task but not its last, found as the
     * child processes of the Workers, with SIGKILL (as when a machine fails).
     */
    private static final class ExecutorKiller {

        private final StandaloneCluster cluster;
        private final Path output;
        private long killedPid = -1;
        private int committedTasksAtKill;
        private boolean outputCompleteAtKill;
        private String note = "";

        ExecutorKiller(StandaloneCluster cluster, Path output) {
            this.cluster = cluster;
            this.output = output;
        }

        void killOneExecutorMidJob(ChildProcess driver, Duration timeout) throws InterruptedException, IOException,
                TimeoutException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (driver.isAlive()) {
                int committed = committedTasks();
                if (committed >= 1 && committed < PARTITIONS) {
                    for (int worker = 0; worker < cluster.workerCount(); worker++) {
                        List<ProcessHandle> executors = cluster.executors(worker);
                        if (!executors.isEmpty()) {
                            ProcessHandle executor = executors.get(0);
                            outputCompleteAtKill = Files.exists(output.resolve("_SUCCESS"));
                            committedTasksAtKill = committed;
                            executor.destroyForcibly();
                            killedPid = executor.pid();
                            return;
                        }
                    }
                    note = "no executor process found under the Workers";
                }
                if (committed >= PARTITIONS) {
                    note = "all " + PARTITIONS + " tasks committed before an executor could be killed";
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("No task committed within " + timeout + "; see the driver log "
                            + driver.log());
                }
                Thread.sleep(50);
            }
            note = "the driver exited first";
        }

        /** Tasks whose output the v1 file committer has moved to _temporary/0/task_* so far. */
        private int committedTasks() throws IOException {
            Path attempts = output.resolve("_temporary").resolve("0");
            if (!Files.isDirectory(attempts)) {
                return 0;
            }
            try (Stream<Path> children = Files.list(attempts)) {
                return (int) children.filter(p -> p.getFileName().toString().startsWith("task_")).count();
            } catch (java.nio.file.NoSuchFileException e) {
                // The job committed and removed _temporary between the two calls.
                return PARTITIONS;
            }
        }
    }
}
