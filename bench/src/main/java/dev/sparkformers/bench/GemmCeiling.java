package dev.sparkformers.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.sparkformers.nn.Linear;

/**
 * The float32 GEMM speed of DJL's PyTorch engine on this machine: the best of several timed
 * {@code [8192, 384] x [384, 1536]} products, a shape of the encoder's feed-forward layer.
 */
final class GemmCeiling {

    private GemmCeiling() {}

    /** GFLOP/s with the current intra-op threads. */
    static double measure() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray input = manager.randomUniform(-1, 1, new Shape(8192, 384));
            NDArray weight = manager.randomUniform(-1, 1, new Shape(1536, 384));
            double flops = 2.0 * 8192 * 384 * 1536;
            double best = 0;
            for (int round = 0; round < 6; round++) {
                long start = System.nanoTime();
                Linear.linear(input, weight, null).close();
                double seconds = (System.nanoTime() - start) / 1e9;
                best = Math.max(best, flops / seconds / 1e9);
            }
            return best;
        }
    }
}
