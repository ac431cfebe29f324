package dev.sparkformers.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import dev.sparkformers.modeling.TorchDtype;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

class ExecutorPipelinesTest {

    private static ModelHandle handle(String device, String dtype) {
        Map<String, String> settings = new HashMap<>();
        settings.put(TaskDevices.DEVICE_SETTING, device);
        if (dtype != null) {
            settings.put(ExecutorPipelines.DTYPE_SETTING, dtype);
        }
        return new ModelHandle("s3a://models/minilm", "sha256:abc", 1000, settings);
    }

    @Test
    void cacheKeySeparatesDtypes() {
        String half = ExecutorPipelines.cacheKey(handle("auto", "float16"), Device.gpu(0));
        String single = ExecutorPipelines.cacheKey(handle("auto", "float32"), Device.gpu(0));
        assertNotEquals(half, single);
        assertTrue(half.endsWith("@gpu(0)/float16"), half);
        assertTrue(half.startsWith("s3a://models/minilm#sha256:abc"), half);
    }

    @Test
    void cacheKeySeparatesDevices() {
        ModelHandle handle = handle("auto", "float16");
        assertNotEquals(ExecutorPipelines.cacheKey(handle, Device.gpu(0)),
                ExecutorPipelines.cacheKey(handle, Device.gpu(1)));
    }

    @Test
    void missingDtypeMeansFloat32() {
        assertEquals(TorchDtype.FLOAT32, ExecutorPipelines.dtype(handle("cpu", null)));
        assertTrue(ExecutorPipelines.cacheKey(handle("cpu", null), Device.cpu()).endsWith("/float32"));
        assertEquals(TorchDtype.AUTO, ExecutorPipelines.dtype(handle("cpu", "auto")));
    }

    @Test
    void float16OnCpuFailsBeforeLoading() {
        long loads = ExecutorModelCache.get().totalLoads();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ExecutorPipelines.acquire(handle("cpu", "float16")));
        assertTrue(error.getMessage().contains("dtype float16 needs a GPU"), error.getMessage());
        assertTrue(error.getMessage().contains("--dtype float32"), error.getMessage());
        assertEquals(loads, ExecutorModelCache.get().totalLoads());
    }

    @Test
    void invalidDtypeNamesValue() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ExecutorPipelines.acquire(handle("cpu", "int8")));
        assertTrue(error.getMessage().contains("'int8'"), error.getMessage());
    }
}
