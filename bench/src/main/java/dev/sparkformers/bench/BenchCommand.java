package dev.sparkformers.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sparkformers bench}: measures embedding throughput of Sparkformers against ONNX Runtime
 * on the same model and corpus. Phases run interleaved (a, b, c, d, then again), each in a fresh
 * JVM, because a shared or bursty CPU budget changes speed over time; the report gives medians.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures the embed job and the forward loop against ONNX Runtime; see docs/benchmarks.md.")
public final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--sample", paramLabel = "FILE", defaultValue = "data/wordnet-glosses/glosses.jsonl",
            description = "Corpus used when WordNet is not installed. Default: ${DEFAULT-VALUE}.")
    private Path sample;

    @Option(names = "--max-docs", paramLabel = "N", defaultValue = "0",
            description = "Use at most N documents (0: all). Default: ${DEFAULT-VALUE}.")
    private int maxDocuments;

    @Option(names = "--repetitions", paramLabel = "N", defaultValue = "3",
            description = "Runs of each phase. Default: ${DEFAULT-VALUE}.")
    private int repetitions;

    @Option(names = "--threads", paramLabel = "N",
            description = "Cores to use. Default: all available processors.")
    private Integer threads;

    @Option(names = "--phases", paramLabel = "LIST", defaultValue = "a,b,c,d",
            description = "Phases to run, comma-separated. Default: ${DEFAULT-VALUE}.")
    private String phases;

    @Option(names = "--batch-tokens", paramLabel = "N", defaultValue = "2048",
            description = "Padded tokens per model call in token-budget phases. Default: ${DEFAULT-VALUE}.")
    private int batchTokens;

    @Option(names = "--soak", paramLabel = "BATCHES", defaultValue = "0",
            description = "Instead of the phases, run a memory soak of this many batches (for example 10000) and"
                    + " report the resident set size along the way. Default: no soak.")
    private int soakBatches;

    @Option(names = "--soak-batch-size", paramLabel = "N", defaultValue = "16",
            description = "Texts per soak batch. Default: ${DEFAULT-VALUE}.")
    private int soakBatchSize;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "target/bench",
            description = "Where the corpus copy, outputs and results go. Default: ${DEFAULT-VALUE}.")
    private Path workDirectory;

    public static void main(String[] arguments) {
        System.exit(new CommandLine(new BenchCommand()).execute(arguments));
    }

    @Override
    public Integer call() throws Exception {
        int cores = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Files.createDirectories(workDirectory);
        Path corpus = workDirectory.resolve("corpus.jsonl").toAbsolutePath();
        String description = Corpora.prepare(corpus, sample, maxDocuments);
        BenchSettings settings = new BenchSettings(corpus, workDirectory.toAbsolutePath(), cores, batchTokens, 256, 1024);
        var out = spec.commandLine().getOut();
        out.println("Corpus: " + description);
        out.println("Threads: " + cores + ", processor: " + processorName());
        if (soakBatches > 0) {
            Soak.run(settings, soakBatches, soakBatchSize, out);
            out.println("Results written to " + workDirectory.resolve("soak.md"));
            return 0;
        }

        BenchReport report = new BenchReport();
        List<String> order = BenchReport.phases(phases);
        for (int repetition = 1; repetition <= repetitions; repetition++) {
            for (String phase : order) {
                PhaseResult result = runChild(phase, settings);
                report.add(result);
                out.printf("run %d, phase %s: %.2f s, %.0f real tokens/s%n", repetition, phase, result.seconds(),
                        result.realTokensPerSecond());
                out.flush();
            }
        }
        String markdown = report.markdown();
        out.println();
        out.println(markdown);
        Files.writeString(workDirectory.resolve("results.md"), "Corpus: " + description + "\n\n" + markdown + "\n"
                + report.raw());
        out.println("Results written to " + workDirectory.resolve("results.md"));
        return 0;
    }

    private static PhaseResult runChild(String phase, BenchSettings settings) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchPhase.class.getName());
        command.add(phase);
        command.addAll(List.of(settings.toArguments()));

        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        PhaseResult result = null;
        List<String> tail = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith(BenchPhase.RESULT_PREFIX)) {
                    result = new ObjectMapper().readValue(line.substring(BenchPhase.RESULT_PREFIX.length()),
                            PhaseResult.class);
                } else {
                    tail.add(line);
                    if (tail.size() > 40) {
                        tail.remove(0);
                    }
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0 || result == null) {
            throw new IllegalStateException("Phase " + phase + " failed with exit code " + exit + ":\n"
                    + String.join("\n", tail));
        }
        return result;
    }

    private static String processorName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }
}
