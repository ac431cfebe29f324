package dev.sparkformers.udfs;

import ai.djl.Device;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Picks the device a task runs its model on: the GPU Spark assigned to the task when the
 * application requests GPUs ({@code spark.task.resource.gpu.amount}), otherwise the CPU.
 *
 * <p>The policy is the job's {@code --device} option or the Spark ML stages' {@code device}
 * param. Before a GPU is used, DJL's PyTorch engine is asked whether it can reach it, because the
 * default build bundles the CPU flavour of libtorch, which finds no GPU on any machine.
 */
public final class TaskDevices {

    /** Setting of {@link ModelHandle} that chooses the device policy: {@code auto}, {@code cpu} or {@code gpu}. */
    public static final String DEVICE_SETTING = "device";

    /** PyTorch version that DJL 0.36's JNI library is built against; a CUDA libtorch must match it. */
    static final String DJL_PYTORCH_VERSION = "2.7.1";

    /** The CUDA flavour of DJL 0.36's bundled JNI library for linux-x86_64 (pytorch-jni 2.7.1-0.36.0). */
    static final String DJL_CUDA_FLAVOR = "cu128";

    private TaskDevices() {}

    /**
     * Returns the device for the current task, after checking that DJL's PyTorch engine can use
     * the GPU Spark assigned.
     *
     * @param policy {@code cpu}, {@code gpu} (fails without an assigned GPU) or {@code auto}
     * @throws IllegalStateException if a GPU is requested but not assigned, or assigned but not
     *     usable by the engine, with the settings that fix it
     */
    public static Device forCurrentTask(String policy) {
        return select(policy, assignedAddresses(), EngineCuda::current);
    }

    /**
     * Returns the device that Spark's scheduling gives the current task under {@code policy},
     * without starting DJL's engine: for reports that load no model.
     */
    public static Device scheduledForCurrentTask(String policy) {
        return select(policy, assignedAddresses());
    }

    /**
     * Picks the device from the GPU addresses Spark assigned and checks it against the engine.
     *
     * @param addresses the task's GPU addresses, as Spark's {@code TaskContext.resources()} lists them
     * @param engine reads the engine's CUDA support; called only when a GPU is picked
     */
    public static Device select(String policy, List<String> addresses, Supplier<EngineCuda> engine) {
        Device device = select(policy, addresses);
        if (Device.Type.GPU.equals(device.getDeviceType())) {
            checkUsable(device, addresses, engine.get());
        }
        return device;
    }

    /** Picks the device from the GPU addresses Spark assigned, without asking the engine. */
    public static Device select(String policy, List<String> addresses) {
        String normalized = policy == null ? "auto" : policy.toLowerCase(Locale.ROOT);
        if (!List.of("auto", "cpu", "gpu").contains(normalized)) {
            throw new IllegalArgumentException("Unknown device policy '" + policy + "'; use auto, cpu or gpu");
        }
        if (normalized.equals("cpu")) {
            return Device.cpu();
        }
        if (!addresses.isEmpty()) {
            return Device.gpu(parseAddress(addresses.get(0)));
        }
        if (normalized.equals("gpu")) {
            throw new IllegalStateException("--device gpu was requested, but Spark assigned no GPU to this task."
                    + " Request GPUs with spark.executor.resource.gpu.amount, spark.task.resource.gpu.amount and a"
                    + " discovery script (spark.executor.resource.gpu.discoveryScript=deploy/gpu-discovery.sh, as"
                    + " deploy/sparkformers-submit.sh --gpu sets them), or use --device auto to fall back to the CPU");
        }
        return Device.cpu();
    }

    /**
     * Checks that the engine can run on {@code device}.
     *
     * @throws IllegalStateException when the native library is a CPU build, when it finds no CUDA
     *     device, or when the assigned index is beyond the devices it finds
     */
    static void checkUsable(Device device, List<String> addresses, EngineCuda engine) {
        String assigned = "Spark assigned GPU " + String.join(",", addresses) + " to this task, but ";
        String cudaNatives = " Give the executors a CUDA build of libtorch " + DJL_PYTORCH_VERSION + ":"
                + " spark.executorEnv.PYTORCH_LIBRARY_PATH=<libtorch>/lib, spark.executorEnv.PYTORCH_FLAVOR="
                + DJL_CUDA_FLAVOR + " and spark.executorEnv.PYTORCH_VERSION=" + DJL_PYTORCH_VERSION
                + " (see 'CUDA native libraries' in docs/deployment.md), or run with --device cpu.";
        if (!engine.cudaBuild()) {
            throw new IllegalStateException(assigned + "DJL's PyTorch engine loaded a CPU build of PyTorch "
                    + engine.pytorchVersion() + " (PYTORCH_LIBRARY_PATH=" + environment("PYTORCH_LIBRARY_PATH")
                    + ", PYTORCH_FLAVOR=" + environment("PYTORCH_FLAVOR") + "), which cannot use GPUs." + cudaNatives);
        }
        if (engine.gpuCount() == 0) {
            throw new IllegalStateException(assigned + "DJL's PyTorch engine (CUDA build of PyTorch "
                    + engine.pytorchVersion() + ") finds no CUDA device (CUDA_VISIBLE_DEVICES="
                    + environment("CUDA_VISIBLE_DEVICES") + "). Check the NVIDIA driver on the executor's host and"
                    + " that the container is given the GPU, or run with --device cpu.");
        }
        if (device.getDeviceId() >= engine.gpuCount()) {
            throw new IllegalStateException(assigned + "DJL's PyTorch engine finds only " + engine.gpuCount()
                    + " CUDA device(s), numbered from 0 (CUDA_VISIBLE_DEVICES=" + environment("CUDA_VISIBLE_DEVICES")
                    + "). The discovery script must print the indexes CUDA uses in the executor's process, as"
                    + " deploy/gpu-discovery.sh does.");
        }
    }

    /** Returns the GPU addresses Spark assigned to the current task: none outside a task or without GPUs. */
    public static List<String> assignedAddresses() {
        TaskContext context = TaskContext.get();
        if (context == null) {
            return List.of();
        }
        ResourceInformation gpus = context.resources().get("gpu").getOrElse(() -> null);
        return gpus == null ? List.of() : Arrays.asList(gpus.addresses());
    }

    /** Returns the first GPU address Spark assigned to the current task, or null. */
    public static Integer assignedGpu() {
        List<String> addresses = assignedAddresses();
        return addresses.isEmpty() ? null : parseAddress(addresses.get(0));
    }

    private static int parseAddress(String address) {
        try {
            return Integer.parseInt(address.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Spark assigned GPU address '" + address + "', which is not a device"
                    + " index; the discovery script must print CUDA device indexes such as \"0\"", e);
        }
    }

    private static String environment(String name) {
        String value = System.getenv(name);
        return value == null ? "(unset)" : value;
    }
}
