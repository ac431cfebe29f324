package dev.sparkformers.udfs;

import ai.djl.Device;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

import java.util.Locale;

/**
 * Picks the device a task runs its model on: the GPU Spark assigned to the task when the
 * application requests GPUs ({@code spark.task.resource.gpu.amount}), otherwise the CPU.
 */
public final class TaskDevices {

    /** Setting of {@link ModelHandle} that chooses the device policy: {@code auto}, {@code cpu} or {@code gpu}. */
    public static final String DEVICE_SETTING = "device";

    private TaskDevices() {}

    /**
     * Returns the device for the current task.
     *
     * @param policy {@code cpu}, {@code gpu} (fails without an assigned GPU) or {@code auto}
     */
    public static Device forCurrentTask(String policy) {
        String normalized = policy == null ? "auto" : policy.toLowerCase(Locale.ROOT);
        if (normalized.equals("cpu")) {
            return Device.cpu();
        }
        Integer gpu = assignedGpu();
        if (gpu != null) {
            return Device.gpu(gpu);
        }
        if (normalized.equals("gpu")) {
            throw new IllegalStateException("device=gpu was requested but Spark assigned no GPU to this task; set "
                    + "spark.executor.resource.gpu.amount and spark.task.resource.gpu.amount, or use device=auto");
        }
        if (!normalized.equals("auto")) {
            throw new IllegalArgumentException("Unknown device policy '" + policy + "'; use auto, cpu or gpu");
        }
        return Device.cpu();
    }

    /** The first GPU address Spark assigned to the current task, or null. */
    public static Integer assignedGpu() {
        TaskContext context = TaskContext.get();
        if (context == null) {
            return null;
        }
        ResourceInformation gpus = context.resources().get("gpu").getOrElse(() -> null);
        if (gpus == null || gpus.addresses().length == 0) {
            return null;
        }
        String address = gpus.addresses()[0];
        try {
            return Integer.parseInt(address.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Spark assigned GPU address '" + address + "', which is not a device index",
                    e);
        }
    }
}
