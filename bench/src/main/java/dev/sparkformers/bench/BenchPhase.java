package dev.sparkformers.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Entry point of a child JVM that runs one benchmark phase and prints its {@link PhaseResult} as
 * one JSON line prefixed with {@value #RESULT_PREFIX}. Each phase gets a fresh JVM so that its peak
 * memory and its JIT state are its own.
 */
public final class BenchPhase {

    /** Marks the result line in the child's output. */
    static final String RESULT_PREFIX = "BENCH-RESULT ";

    private BenchPhase() {}

    /** Arguments: the phase letter, then {@link BenchSettings#toArguments()}. */
    public static void main(String[] arguments) throws Exception {
        PhaseResult result = Phases.run(arguments[0], BenchSettings.fromArguments(arguments, 1));
        System.out.println(RESULT_PREFIX + new ObjectMapper().writeValueAsString(result));
        System.out.flush();
        System.exit(0);
    }
}
