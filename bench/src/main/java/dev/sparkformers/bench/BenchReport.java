package dev.sparkformers.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/** Medians of the runs of each phase and the ratios the benchmark is judged by, as a Markdown table. */
final class BenchReport {

    private static final Map<String, String> NAMES = Map.of(
            "a", "(a) embed job, local Spark",
            "b", "(b) forward loop, no Spark",
            "c", "(c) ONNX Runtime, 32 x 128 batches",
            "d", "(d) ONNX Runtime, token-budget batches");

    private final Map<String, List<PhaseResult>> runs = new TreeMap<>();

    void add(PhaseResult result) {
        runs.computeIfAbsent(result.phase(), phase -> new ArrayList<>()).add(result);
    }

    double median(String phase, ToDoubleFunction<PhaseResult> metric) {
        List<PhaseResult> results = runs.get(phase);
        if (results == null || results.isEmpty()) {
            return Double.NaN;
        }
        double[] values = results.stream().mapToDouble(metric).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| phase | runs | real tokens/s | padded tokens/s | GFLOP/s | load s | peak RSS MiB |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (String phase : runs.keySet()) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s |%n", NAMES.get(phase),
                    runs.get(phase).size(),
                    format(median(phase, PhaseResult::realTokensPerSecond), 0),
                    format(median(phase, PhaseResult::paddedTokensPerSecond), 0),
                    format(median(phase, PhaseResult::gflops), 1),
                    format(median(phase, PhaseResult::loadSeconds), 2),
                    format(median(phase, r -> r.peakRssBytes() / 1048576.0), 0)));
        }
        out.append('\n');
        out.append(String.format(Locale.ROOT, "(a) / (c), real tokens/s: %s%n",
                format(median("a", PhaseResult::realTokensPerSecond) / median("c", PhaseResult::realTokensPerSecond), 2)));
        out.append(String.format(Locale.ROOT, "(b) / (d), real tokens/s: %s%n",
                format(median("b", PhaseResult::realTokensPerSecond) / median("d", PhaseResult::realTokensPerSecond), 2)));
        out.append(String.format(Locale.ROOT, "GEMM ceiling (float32, all threads): %s GFLOP/s%n",
                format(median("b", PhaseResult::gemmCeilingGflops), 1)));
        return out.toString();
    }

    /** Every run's raw numbers, for the record. */
    String raw() {
        StringBuilder out = new StringBuilder();
        runs.forEach((phase, results) -> {
            for (PhaseResult result : results) {
                out.append(String.format(Locale.ROOT, "%s: %.2f s, %d docs, %d real / %d padded tokens, RSS %d MiB%n",
                        phase, result.seconds(), result.documents(), result.realTokens(), result.paddedTokens(),
                        result.peakRssBytes() / 1048576));
            }
        });
        return out.toString();
    }

    private static String format(double value, int decimals) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "n/a"
                : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    static List<String> phases(String list) {
        List<String> phases = Arrays.asList(list.split(","));
        for (String phase : phases) {
            if (!NAMES.containsKey(phase)) {
                throw new IllegalArgumentException("Unknown phase '" + phase + "'; phases are a, b, c, d");
            }
        }
        return phases;
    }
}
