package dev.sparkformers.udfs;

import ai.djl.Device;

import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.TorchDtype;
import dev.sparkformers.pipelines.Pipeline;
import dev.sparkformers.pipelines.PipelineOptions;
import dev.sparkformers.pipelines.Pipelines;
import dev.sparkformers.pipelines.SentenceEmbeddingPipeline;
import dev.sparkformers.runtime.TorchThreads;

import java.nio.file.Path;

/**
 * Loads the pipeline a {@link ModelHandle} describes through the JVM's {@link ExecutorModelCache},
 * so that every task thread of an executor shares one copy per model and device. The handle's
 * {@value #TASK_SETTING} setting picks the task from {@link Pipelines}, so a task registered by a
 * jar the job ships is found on the executors too; all handle settings reach the task's factory.
 */
public final class ExecutorPipelines {

    /** Handle setting naming the pipeline task. */
    public static final String TASK_SETTING = "task";

    /**
     * Handle setting with the weights' floating-point type, HuggingFace's {@code dtype}:
     * {@code float32} (the default), {@code float16} (GPU only) or {@code auto}.
     */
    public static final String DTYPE_SETTING = "dtype";

    private ExecutorPipelines() {}

    /**
     * Returns a lease on the pipeline for {@code handle} on the current task's device; the caller
     * closes the lease when the task is done with it.
     *
     * @throws IllegalArgumentException for dtype float16 on a CPU device, before anything is read
     */
    public static ExecutorModelCache.Lease<Pipeline<?, ?, ?>> acquire(ModelHandle handle) {
        Device device = TaskDevices.forCurrentTask(handle.setting(TaskDevices.DEVICE_SETTING, "auto"));
        TorchDtype dtype = dtype(handle);
        dtype.checkDevice(device);
        return ExecutorModelCache.get().acquire(cacheKey(handle, device), handle.weightBytes(),
                () -> load(handle, device, dtype));
    }

    /**
     * Returns the executor cache key of {@code handle} on {@code device}: the handle's location,
     * fingerprint and settings, with the dtype written out even when it is the default, so that
     * float32 and float16 copies of one model on one device are separate entries.
     */
    public static String cacheKey(ModelHandle handle, Device device) {
        String dtype = dtype(handle).configName();
        return handle.cacheKey() + "@" + device + "/" + dtype;
    }

    /** Parses the handle's dtype setting, float32 when it is absent. */
    static TorchDtype dtype(ModelHandle handle) {
        return TorchDtype.fromName(handle.setting(DTYPE_SETTING, TorchDtype.FLOAT32.configName()));
    }

    private static Pipeline<?, ?, ?> load(ModelHandle handle, Device device, TorchDtype dtype)
            throws java.io.IOException {
        TorchThreads.setIntraOpThreads(TaskThreads.perTask(handle));
        Path directory = handle.shipped() != null ? handle.shipped().localize()
                : ModelLocations.localize(handle.location(), HadoopConfigurations.current());
        LoadOptions options = LoadOptions.builder().device(device).dtype(dtype).build();
        String task = handle.setting(TASK_SETTING, SentenceEmbeddingPipeline.TASK);
        return Pipelines.create(task, directory, new PipelineOptions(options, handle.settings()));
    }
}
