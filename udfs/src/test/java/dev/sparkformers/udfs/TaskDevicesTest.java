package dev.sparkformers.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Supplier;

class TaskDevicesTest {

    private static final Supplier<EngineCuda> TWO_GPUS = () -> new EngineCuda("2.7.1", true, 2);
    private static final Supplier<EngineCuda> CPU_BUILD = () -> new EngineCuda("2.7.1", false, 0);
    private static final Supplier<EngineCuda> NO_DEVICE = () -> new EngineCuda("2.7.1", true, 0);
    private static final Supplier<EngineCuda> UNUSED = () -> fail("the engine must not be asked for a CPU device");

    @Test
    void autoUsesAssignedGpu() {
        assertEquals(Device.gpu(1), TaskDevices.select("auto", List.of("1"), TWO_GPUS));
        assertEquals(Device.gpu(0), TaskDevices.select("GPU", List.of(" 0 "), TWO_GPUS));
    }

    @Test
    void cpuAndUnassignedAutoSkipEngine() {
        assertEquals(Device.cpu(), TaskDevices.select("cpu", List.of("0"), UNUSED));
        assertEquals(Device.cpu(), TaskDevices.select("auto", List.of(), UNUSED));
        assertEquals(Device.cpu(), TaskDevices.select(null, List.of(), UNUSED));
    }

    @Test
    void gpuWithoutAssignmentFails() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> TaskDevices.select("gpu", List.of(), UNUSED));
        assertTrue(error.getMessage().contains("--device gpu was requested"), error.getMessage());
        assertTrue(error.getMessage().contains("assigned no GPU"), error.getMessage());
        assertTrue(error.getMessage().contains("spark.task.resource.gpu.amount"), error.getMessage());
        assertTrue(error.getMessage().contains("--device auto"), error.getMessage());
    }

    @Test
    void cpuBuildOfPytorchFails() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> TaskDevices.select("auto", List.of("0"), CPU_BUILD));
        assertTrue(error.getMessage().contains("Spark assigned GPU 0"), error.getMessage());
        assertTrue(error.getMessage().contains("CPU build of PyTorch 2.7.1"), error.getMessage());
        assertTrue(error.getMessage().contains("PYTORCH_LIBRARY_PATH"), error.getMessage());
        assertTrue(error.getMessage().contains("PYTORCH_FLAVOR=cu128"), error.getMessage());
        assertTrue(error.getMessage().contains("--device cpu"), error.getMessage());
    }

    @Test
    void cudaBuildWithoutDeviceFails() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> TaskDevices.select("gpu", List.of("0"), NO_DEVICE));
        assertTrue(error.getMessage().contains("finds no CUDA device"), error.getMessage());
        assertTrue(error.getMessage().contains("CUDA_VISIBLE_DEVICES"), error.getMessage());
    }

    @Test
    void addressBeyondVisibleDevicesFails() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> TaskDevices.select("auto", List.of("3"), TWO_GPUS));
        assertTrue(error.getMessage().contains("finds only 2 CUDA device(s)"), error.getMessage());
        assertTrue(error.getMessage().contains("gpu-discovery.sh"), error.getMessage());
    }

    @Test
    void invalidPolicyAndAddressFail() {
        IllegalArgumentException policy = assertThrows(IllegalArgumentException.class,
                () -> TaskDevices.select("tpu", List.of("0"), UNUSED));
        assertTrue(policy.getMessage().contains("'tpu'"), policy.getMessage());

        IllegalStateException address = assertThrows(IllegalStateException.class,
                () -> TaskDevices.select("auto", List.of("GPU-3f2a"), UNUSED));
        assertTrue(address.getMessage().contains("'GPU-3f2a'"), address.getMessage());
    }

    @Test
    void schedulingAloneSkipsEngine() {
        assertEquals(Device.gpu(5), TaskDevices.select("auto", List.of("5", "6")));
        assertEquals(List.of(), TaskDevices.assignedAddresses());
    }
}
