package dev.sparkformers.modeling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;

import java.util.List;

class ModelOutputTest {

    @Test
    void absentFieldsAreSkippedByPosition() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray hidden = manager.zeros(new ai.djl.ndarray.types.Shape(1, 2, 3));
            NDArray layer0 = manager.ones(new ai.djl.ndarray.types.Shape(1, 2, 3));
            BaseModelOutputWithPooling output = new BaseModelOutputWithPooling(hidden, null, List.of(layer0, hidden), null);
            assertEquals(List.of("last_hidden_state", "hidden_states"), output.keys());
            assertSame(hidden, output.get(0));
            assertEquals(List.of(layer0, hidden), output.get(1));
            assertSame(hidden, output.get("last_hidden_state"));
            assertSame(hidden, output.get("lastHiddenState"));
            assertNull(output.get("pooler_output"));
            assertEquals(2, output.toTuple().size());
            assertThrows(IndexOutOfBoundsException.class, () -> output.get(2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> output.get("logits"));
            assertTrue(e.getMessage().contains("pooler_output"), e.getMessage());
        }
    }

    @Test
    void closeReleasesEveryArray() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.zeros(new ai.djl.ndarray.types.Shape(2, 3));
            NDArray attention = manager.zeros(new ai.djl.ndarray.types.Shape(2, 1, 3, 3));
            SequenceClassifierOutput output = new SequenceClassifierOutput(null, logits, null, List.of(attention));
            output.close();
            assertTrue(logits.isReleased());
            assertTrue(attention.isReleased());
        }
    }

    @Test
    void cachedKeysAndValuesAreOwnedArrays() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.zeros(new ai.djl.ndarray.types.Shape(1, 2, 5));
            NDArray key = manager.zeros(new ai.djl.ndarray.types.Shape(1, 1, 2, 4));
            NDArray value = manager.ones(new ai.djl.ndarray.types.Shape(1, 1, 2, 4));
            CausalLMOutputWithPast output = new CausalLMOutputWithPast(null, logits, List.of(new KeyValue(key, value)),
                    null, null);
            assertEquals(List.of("logits", "past_key_values"), output.keys());
            assertEquals(3, output.arrays().size());
            assertEquals(2, ((KeyValue) ((List<?>) output.get("past_key_values")).get(0)).length());
            output.close();
            assertTrue(key.isReleased());
            assertTrue(value.isReleased());
        }
    }
}
