package dev.sparkformers.runtime;

import ai.djl.engine.Engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Process-wide DJL settings that must be in place before DJL's engine or tokenizer library loads:
 * offline mode, the cache directories and the size of PyTorch's inter-op thread pool.
 *
 * <p>DJL reads {@code ai.djl.offline} once, when its engine starts. Without it DJL contacts the
 * cloud metadata address (169.254.169.254) for telemetry and may try to download native
 * libraries, which stalls or fails on a closed network. Every entry point of Sparkformers calls
 * {@link #ensureOffline()} first; launch scripts and Spark configurations also pass
 * {@code -Dai.djl.offline=true} so that the property holds even for code that touches DJL
 * before ours does.
 */
public final class DjlRuntime {

    /** System property that DJL reads to decide whether it may use the network. */
    public static final String OFFLINE_PROPERTY = "ai.djl.offline";

    /** System property (or environment variable) that sets where DJL unpacks native libraries. */
    public static final String ENGINE_CACHE_DIR_PROPERTY = "ENGINE_CACHE_DIR";

    /** System property (or environment variable) for DJL's general cache directory. */
    public static final String CACHE_DIR_PROPERTY = "DJL_CACHE_DIR";

    /**
     * System property DJL reads for PyTorch's inter-op pool; Sparkformers runs no inter-op
     * parallel work, so one thread is enough.
     */
    public static final String INTEROP_THREADS_PROPERTY = "ai.djl.pytorch.num_interop_threads";

    /** Sparkformers' own setting for both cache directories; the DJL names win when both are set. */
    public static final String SPARKFORMERS_CACHE_DIR_PROPERTY = "sparkformers.djl.cache.dir";

    private static final Logger LOG = LoggerFactory.getLogger(DjlRuntime.class);

    private static volatile boolean configured;

    private DjlRuntime() {}

    /**
     * Sets {@code ai.djl.offline=true} unless the caller set it already, and applies
     * {@value #SPARKFORMERS_CACHE_DIR_PROPERTY} to DJL's cache directories. Safe to call often.
     */
    public static void ensureOffline() {
        if (configured) {
            return;
        }
        synchronized (DjlRuntime.class) {
            if (configured) {
                return;
            }
            String offline = System.getProperty(OFFLINE_PROPERTY);
            if (offline == null) {
                System.setProperty(OFFLINE_PROPERTY, "true");
            } else if (!Boolean.parseBoolean(offline)) {
                LOG.warn("{}={} was set explicitly; DJL may contact the network when it starts",
                        OFFLINE_PROPERTY, offline);
            }

            if (System.getProperty(INTEROP_THREADS_PROPERTY) == null) {
                System.setProperty(INTEROP_THREADS_PROPERTY, "1");
            }

            String cacheDir = System.getProperty(SPARKFORMERS_CACHE_DIR_PROPERTY);
            if (cacheDir != null && !cacheDir.isBlank()) {
                setIfAbsent(CACHE_DIR_PROPERTY, cacheDir);
                setIfAbsent(ENGINE_CACHE_DIR_PROPERTY, Path.of(cacheDir).resolve("engines").toString());
            }
            configured = true;
        }
    }

    /**
     * Returns the PyTorch engine, configured offline first.
     *
     * @throws IllegalStateException if the PyTorch native library cannot be loaded, with the
     *     cache directory to check
     */
    public static Engine engine() {
        ensureOffline();
        try {
            return Engine.getEngine("PyTorch");
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new IllegalStateException(
                    "Failed to start DJL's PyTorch engine offline. Check that "
                            + "ai.djl.pytorch:pytorch-native-cpu (classifier linux-x86_64) is on the "
                            + "classpath and that the engine cache directory "
                            + describeEngineCacheDir() + " is writable." + describeNativeOverrides(),
                    e);
        }
    }

    /**
     * Describes the variables that point DJL at a libtorch other than the bundled CPU build, when
     * any is set, because a wrong path or flavour there is the usual cause of a failed start.
     */
    private static String describeNativeOverrides() {
        StringBuilder found = new StringBuilder();
        for (String name : new String[] {"PYTORCH_LIBRARY_PATH", "PYTORCH_FLAVOR", "PYTORCH_VERSION"}) {
            String value = System.getProperty(name, System.getenv(name));
            if (value != null) {
                found.append(found.isEmpty() ? "" : ", ").append(name).append('=').append(value);
            }
        }
        if (found.isEmpty()) {
            return "";
        }
        return " For a CUDA build of libtorch, check " + found + ": PYTORCH_LIBRARY_PATH must be the directory"
                + " with libtorch.so of PyTorch 2.7.1, and PYTORCH_FLAVOR a flavour of DJL 0.36's JNI library"
                + " (cpu or cu128).";
    }

    private static String describeEngineCacheDir() {
        String dir = System.getProperty(ENGINE_CACHE_DIR_PROPERTY, System.getenv(ENGINE_CACHE_DIR_PROPERTY));
        return dir != null ? "'" + dir + "'" : "(default ~/.djl.ai)";
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
