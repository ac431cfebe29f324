package dev.sparkformers.runtime;

import ai.djl.pytorch.jni.JniUtils;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The size of PyTorch's intra-op thread pool, which is shared by the whole process.
 *
 * <p>When several threads each run a forward pass (Spark task threads, or a forward loop with one
 * worker per core), each pass should use only its share of the cores. PyTorch's default, one
 * thread per core for every pass, oversubscribes the machine: with two workers on two cores it
 * was 6% slower in {@code bin/sparkformers bench} (docs/benchmarks.md). Batch jobs therefore set
 * the pool to the cores each task owns, usually 1.
 */
public final class TorchThreads {

    private static final Logger LOG = LoggerFactory.getLogger(TorchThreads.class);

    private TorchThreads() {}

    /** Sets the intra-op thread count, starting the engine if needed; logs only when it changes. */
    public static synchronized void setIntraOpThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("Intra-op threads must be at least 1, but is " + threads);
        }
        DjlRuntime.engine();
        int current = JniUtils.getNumThreads();
        if (current != threads) {
            JniUtils.setNumThreads(threads);
            LOG.info("PyTorch intra-op threads: {} (was {})", threads, current);
        }
    }

    /** The current intra-op thread count. */
    public static int intraOpThreads() {
        DjlRuntime.engine();
        return JniUtils.getNumThreads();
    }
}
