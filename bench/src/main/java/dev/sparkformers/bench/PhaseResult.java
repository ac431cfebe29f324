package dev.sparkformers.bench;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One measured run of one benchmark phase, printed by the child JVM as a JSON line.
 *
 * @param phase {@code a}, {@code b}, {@code c} or {@code d}
 * @param seconds wall time of the measured work, model loading excluded
 * @param documents documents processed
 * @param realTokens tokens the model read, padding excluded
 * @param paddedTokens tokens of the model calls, padding included
 * @param flops floating-point operations of the model calls, counted from their shapes
 * @param loadSeconds time to load the model (or create the ONNX Runtime session)
 * @param peakRssBytes the child JVM's peak resident set size
 * @param gemmCeilingGflops float32 GEMM speed measured in the same JVM, with the phase's threads
 */
public record PhaseResult(
        @JsonProperty("phase") String phase,
        @JsonProperty("seconds") double seconds,
        @JsonProperty("documents") long documents,
        @JsonProperty("real_tokens") long realTokens,
        @JsonProperty("padded_tokens") long paddedTokens,
        @JsonProperty("flops") double flops,
        @JsonProperty("load_seconds") double loadSeconds,
        @JsonProperty("peak_rss_bytes") long peakRssBytes,
        @JsonProperty("gemm_ceiling_gflops") double gemmCeilingGflops) {

    public double realTokensPerSecond() {
        return realTokens / seconds;
    }

    public double paddedTokensPerSecond() {
        return paddedTokens / seconds;
    }

    public double gflops() {
        return flops / seconds / 1e9;
    }
}
