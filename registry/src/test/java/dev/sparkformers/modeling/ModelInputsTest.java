package dev.sparkformers.modeling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import java.util.List;

class ModelInputsTest {

    @Test
    void maskCoversCachedPositions() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray ids = manager.zeros(new Shape(2, 1), DataType.INT64);
            List<KeyValue> past = List.of(cache(manager, 2, 5), cache(manager, 2, 5));
            ModelInputs inputs = ModelInputs.builder(ids).pastKeyValues(past)
                    .attentionMask(manager.ones(new Shape(2, 6), DataType.INT64)).build();
            assertEquals(6, inputs.attentionMask().getShape().get(1));
        }
    }

    @Test
    void maskWithoutCachedPositionsRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelInputs.Builder builder = ModelInputs.builder(manager.zeros(new Shape(2, 1), DataType.INT64))
                    .pastKeyValues(List.of(cache(manager, 2, 5)))
                    .attentionMask(manager.ones(new Shape(2, 1), DataType.INT64));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
            assertTrue(e.getMessage().contains("cached positions (5)"), e.getMessage());
        }
    }

    @Test
    void cacheOfOtherBatchSizeIsRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelInputs.Builder builder = ModelInputs.builder(manager.zeros(new Shape(2, 1), DataType.INT64))
                    .pastKeyValues(List.of(cache(manager, 3, 5)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
            assertTrue(e.getMessage().contains("batch size 2"), e.getMessage());
        }
    }

    @Test
    void layersWithDifferentLengthsAreRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelInputs.Builder builder = ModelInputs.builder(manager.zeros(new Shape(1, 1), DataType.INT64))
                    .pastKeyValues(List.of(cache(manager, 1, 5), cache(manager, 1, 4)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
            assertTrue(e.getMessage().contains("past_key_values[1]"), e.getMessage());
        }
    }

    @Test
    void maskWithoutCacheMustMatchInputIds() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelInputs.Builder builder = ModelInputs.builder(manager.zeros(new Shape(2, 3), DataType.INT64))
                    .attentionMask(manager.ones(new Shape(2, 4), DataType.INT64));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
            assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
        }
    }

    private static KeyValue cache(NDManager manager, long batch, long length) {
        Shape shape = new Shape(batch, 2, length, 4);
        return new KeyValue(manager.zeros(shape), manager.zeros(shape));
    }
}
