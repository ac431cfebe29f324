package dev.sparkformers.udfs;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;

import dev.sparkformers.runtime.DjlRuntime;

/**
 * What DJL's PyTorch engine reports about CUDA in this JVM: whether its native library is a CUDA
 * build and how many CUDA devices it finds. DJL returns a GPU count of 0 for a CPU build of
 * libtorch whatever the machine has, so both facts are kept to tell the two causes apart.
 *
 * @param pytorchVersion the PyTorch version of the loaded native library
 * @param cudaBuild whether the native library was built with CUDA
 * @param gpuCount CUDA devices visible to the process ({@code CUDA_VISIBLE_DEVICES} applies)
 */
public record EngineCuda(String pytorchVersion, boolean cudaBuild, int gpuCount) {

    /** Starts DJL's PyTorch engine offline, if it has not started, and reads its CUDA support. */
    public static EngineCuda current() {
        Engine engine = DjlRuntime.engine();
        return new EngineCuda(engine.getVersion(), engine.hasCapability(StandardCapabilities.CUDA),
                engine.getGpuCount());
    }
}
