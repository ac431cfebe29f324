package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Copies of model outputs into Java arrays. A model loaded in float16 returns float16 hidden
 * states and logits, and DJL's {@code toFloatArray} rejects those, so outputs are converted to
 * float32 on their device first. Everything that leaves a pipeline is therefore float32.
 */
public final class OutputArrays {

    private OutputArrays() {}

    /** Returns the elements of {@code array} as float32 values, converting a float16 array first. */
    public static float[] toFloat32Array(NDArray array) {
        if (array.getDataType() == DataType.FLOAT32) {
            return array.toFloatArray();
        }
        try (NDArray converted = array.toType(DataType.FLOAT32, true)) {
            return converted.toFloatArray();
        }
    }
}
