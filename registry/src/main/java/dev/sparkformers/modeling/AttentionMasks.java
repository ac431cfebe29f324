package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Attention masks in the additive form HuggingFace's eager attention uses.
 *
 * <p>A padding position gets the most negative value of the scores' type
 * ({@code torch.finfo(dtype).min}) rather than {@code -inf}: added to a score it still gives a
 * finite number, so a row whose keys are all masked yields a uniform softmax instead of NaN,
 * exactly as in HuggingFace.
 */
public final class AttentionMasks {

    /** {@code torch.finfo(torch.float32).min}. */
    public static final float FLOAT32_MIN = -Float.MAX_VALUE;

    /** {@code torch.finfo(torch.float16).min}: the largest binary16 value is 65504. */
    public static final float FLOAT16_MIN = -65504f;

    private AttentionMasks() {}

    /**
     * Turns a {@code [batch, seq]} mask of ones (attend) and zeros (padding) into the float32
     * additive mask {@code [batch, 1, 1, seq]}: 0 where attended, {@link #FLOAT32_MIN} where padded.
     */
    public static NDArray extendedAttentionMask(NDArray attentionMask) {
        return extendedAttentionMask(attentionMask, DataType.FLOAT32);
    }

    /**
     * Turns a {@code [batch, seq]} mask of ones and zeros into the additive mask
     * {@code [batch, 1, 1, seq]} of type {@code dtype}, the model's: 0 where attended and
     * {@link #minValue} where padded. The mask must have the scores' type, because PyTorch
     * promotes a float16 score plus a float32 mask to float32, and the product of float32
     * probabilities with float16 values then fails.
     */
    public static NDArray extendedAttentionMask(NDArray attentionMask, DataType dtype) {
        Shape shape = attentionMask.getShape();
        NDArray mask = attentionMask.toType(dtype, false).reshape(shape.get(0), 1, 1, shape.get(1));
        return mask.neg().add(1f).mul(minValue(dtype));
    }

    /**
     * The most negative finite value of {@code dtype}, {@code torch.finfo(dtype).min}.
     *
     * @throws IllegalArgumentException for types other than float32 and float16
     */
    public static float minValue(DataType dtype) {
        return switch (dtype) {
            case FLOAT32 -> FLOAT32_MIN;
            case FLOAT16 -> FLOAT16_MIN;
            default -> throw new IllegalArgumentException("No attention mask value for dtype " + dtype
                    + "; models run in float32 or float16");
        };
    }
}
