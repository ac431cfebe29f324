/*
 * Makes Intel MKL take its Intel code paths on AMD processors.
 *
 * MKL asks mkl_serv_intel_cpu_true() whether it runs on an Intel CPU and, on AMD, falls back to
 * generic kernels that are about half as fast for float32 GEMM. Loaded with LD_PRELOAD before
 * PyTorch, this definition answers yes. bin/sparkformers builds and preloads it only on AMD
 * processors, and only after a numerical check against float32 reference embeddings passes;
 * SPARKFORMERS_MKL_INTEL_PATH=off turns it off.
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
