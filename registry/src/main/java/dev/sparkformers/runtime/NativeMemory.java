package dev.sparkformers.runtime;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Release of the native memory that PyTorch has freed back to the operating system.
 *
 * <p>PyTorch's CPU tensors come from glibc's malloc. Several task threads running forward passes
 * spread their tensors over many malloc arenas, and glibc keeps freed blocks in those arenas
 * instead of unmapping them, so the resident set grows to several times what one pass needs. On
 * all-MiniLM-L6-v2 with two task threads, about 300 MB of a 950 MB process was such free memory
 * (docs/benchmarks.md). Calling glibc's {@code malloc_trim} after every batch hands it back, at
 * the price of page faults when the next batch touches the memory again, measured at 7 to 10%
 * of throughput. It is therefore off by default: executors whose memory overhead is tight turn
 * it on with {@value #ENVIRONMENT_VARIABLE}=true (on Spark, {@code spark.executorEnv.}) or the
 * system property {@value #PROPERTY}.
 */
public final class NativeMemory {

    /** The environment variable that turns on releasing after every batch. */
    public static final String ENVIRONMENT_VARIABLE = "SPARKFORMERS_RELEASE_NATIVE_MEMORY";

    /** The system property that turns on releasing after every batch. It takes precedence over the variable. */
    public static final String PROPERTY = "sparkformers.releaseNativeMemory";

    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);

    /** glibc's malloc_trim, or null where the C library has none (musl, macOS, Windows). */
    private static final Function MALLOC_TRIM = lookUpMallocTrim();

    private static volatile boolean warned;

    private NativeMemory() {}

    /**
     * Returns whether batch loops should call {@link #release()} after every batch. The setting is
     * read on every call, so a bad value fails the first batch with a clear message rather than a
     * class-loading error.
     */
    public static boolean releaseAfterEachBatch() {
        return parse(System.getProperty(PROPERTY, System.getenv(ENVIRONMENT_VARIABLE)));
    }

    /**
     * Returns free pages of every malloc arena to the operating system.
     *
     * @return whether any memory was released; false also where the C library cannot do it
     */
    public static boolean release() {
        if (MALLOC_TRIM == null) {
            if (!warned) {
                warned = true;
                LOG.warn("{} is set, but this C library has no malloc_trim; native memory is not released",
                        ENVIRONMENT_VARIABLE);
            }
            return false;
        }
        return MALLOC_TRIM.invokeInt(new Object[] {0}) == 1;
    }

    /** Returns whether this process's C library can release free memory ({@code malloc_trim} exists). */
    public static boolean supported() {
        return MALLOC_TRIM != null;
    }

    static boolean parse(String setting) {
        if (setting == null || setting.isBlank()) {
            return false;
        }
        return switch (setting.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "on", "yes" -> true;
            case "false", "0", "off", "no" -> false;
            default -> throw new IllegalArgumentException(ENVIRONMENT_VARIABLE + " (or -D" + PROPERTY
                    + ") must be true or false, but is '" + setting + "'");
        };
    }

    private static Function lookUpMallocTrim() {
        try {
            return NativeLibrary.getInstance("c").getFunction("malloc_trim");
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.debug("This C library has no malloc_trim ({}); native memory cannot be released", e.getMessage());
            return null;
        }
    }
}
