package dev.sparkformers.udfs;

import ai.djl.Device;

import dev.sparkformers.modeling.LoadOptions;
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

    private ExecutorPipelines() {}

    /**
     * Returns a lease on the pipeline for {@code handle} on the current task's device; the caller
     * closes the lease when the task is done with it.
     */
    public static ExecutorModelCache.Lease<Pipeline<?, ?, ?>> acquire(ModelHandle handle) {
        Device device = TaskDevices.forCurrentTask(handle.setting(TaskDevices.DEVICE_SETTING, "auto"));
        String key = handle.cacheKey() + "@" + device;
        return ExecutorModelCache.get().acquire(key, handle.weightBytes(), () -> load(handle, device));
    }

    private static Pipeline<?, ?, ?> load(ModelHandle handle, Device device) throws java.io.IOException {
        TorchThreads.setIntraOpThreads(TaskThreads.perTask(handle));
        Path directory = handle.shipped() != null ? handle.shipped().localize()
                : ModelLocations.localize(handle.location(), HadoopConfigurations.current());
        LoadOptions options = LoadOptions.builder().device(device).build();
        String task = handle.setting(TASK_SETTING, SentenceEmbeddingPipeline.TASK);
        return Pipelines.create(task, directory, new PipelineOptions(options, handle.settings()));
    }
}
