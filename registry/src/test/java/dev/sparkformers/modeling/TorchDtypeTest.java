package dev.sparkformers.modeling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

import dev.sparkformers.models.bert.BertModel;
import dev.sparkformers.testing.Golden;

import org.junit.jupiter.api.Test;

class TorchDtypeTest {

    @Test
    void parsesHuggingFaceNames() {
        assertEquals(TorchDtype.FLOAT32, TorchDtype.fromName("float32"));
        assertEquals(TorchDtype.FLOAT32, TorchDtype.fromName("float"));
        assertEquals(TorchDtype.FLOAT16, TorchDtype.fromName("float16"));
        assertEquals(TorchDtype.FLOAT16, TorchDtype.fromName(" Half "));
        assertEquals(TorchDtype.AUTO, TorchDtype.fromName("AUTO"));
        assertEquals("float16", TorchDtype.FLOAT16.configName());
        assertEquals(DataType.FLOAT16, TorchDtype.FLOAT16.dataType());
    }

    @Test
    void rejectsUnknownNames() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> TorchDtype.fromName("fp8"));
        assertTrue(unknown.getMessage().contains("'fp8'"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("float32, float16 or auto"), unknown.getMessage());

        IllegalArgumentException bf16 = assertThrows(IllegalArgumentException.class,
                () -> TorchDtype.fromName("bfloat16"));
        assertTrue(bf16.getMessage().contains("BF16"), bf16.getMessage());

        assertThrows(IllegalArgumentException.class, () -> TorchDtype.fromName(null));
        assertThrows(IllegalStateException.class, TorchDtype.AUTO::dataType);
    }

    @Test
    void autoFollowsConfigOnGpuOnly() {
        assertEquals(TorchDtype.FLOAT16, TorchDtype.AUTO.resolve("float16", Device.gpu(0)));
        assertEquals(TorchDtype.FLOAT32, TorchDtype.AUTO.resolve("float16", Device.cpu()));
        assertEquals(TorchDtype.FLOAT32, TorchDtype.AUTO.resolve("bfloat16", Device.gpu(0)));
        assertEquals(TorchDtype.FLOAT32, TorchDtype.AUTO.resolve(null, Device.gpu(1)));
        assertEquals(TorchDtype.FLOAT32, TorchDtype.FLOAT32.resolve("float16", Device.gpu(0)));
        assertEquals(TorchDtype.FLOAT16, TorchDtype.FLOAT16.resolve("float32", Device.cpu()));
    }

    @Test
    void float16OnCpuIsRejected() {
        TorchDtype.FLOAT16.checkDevice(Device.gpu(0));
        TorchDtype.FLOAT32.checkDevice(Device.cpu());

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> TorchDtype.FLOAT16.checkDevice(Device.cpu()));
        assertTrue(error.getMessage().contains("dtype float16 needs a GPU"), error.getMessage());
        assertTrue(error.getMessage().contains("--dtype float32"), error.getMessage());
    }

    @Test
    void loadOptionsDefaultToFloat32() {
        assertEquals(TorchDtype.FLOAT32, LoadOptions.defaults().dtype());
        LoadOptions half = LoadOptions.builder().dtype(TorchDtype.FLOAT16).build();
        assertEquals(TorchDtype.FLOAT16, half.toBuilder().build().dtype());
        assertTrue(half.toString().contains("dtype=float16"), half.toString());
    }

    @Test
    void float16CpuLoadFailsBeforeReading() throws Exception {
        LoadOptions half = LoadOptions.builder().dtype(TorchDtype.FLOAT16).build();
        try (Golden golden = Golden.open("tiny-bert")) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> BertModel.fromPretrained(golden.checkpoint(), half));
            assertTrue(error.getMessage().contains("float16"), error.getMessage());
        }
    }

    @Test
    void float32LoadRecordsDtype() throws Exception {
        LoadOptions auto = LoadOptions.builder().dtype(TorchDtype.AUTO).build();
        try (Golden golden = Golden.open("tiny-bert"); BertModel model = BertModel.fromPretrained(golden.checkpoint(),
                auto)) {
            assertEquals(DataType.FLOAT32, model.dtype());
        }
    }

    @Test
    void maskValueFollowsDtype() {
        assertEquals(-Float.MAX_VALUE, AttentionMasks.minValue(DataType.FLOAT32));
        assertEquals(-65504f, AttentionMasks.minValue(DataType.FLOAT16));
        assertThrows(IllegalArgumentException.class, () -> AttentionMasks.minValue(DataType.INT64));
    }
}
