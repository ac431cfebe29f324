package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Attention masks in the additive form HuggingFace's eager attention uses.
 *
 * <p>A padding position gets the most negative float32 value ({@code torch.finfo(float32).min})
 * rather than {@code -inf}: added to a score it still gives a finite number, so a row whose keys
 * are all masked yields a uniform softmax instead of NaN, exactly as in HuggingFace.
 */
public final class AttentionMasks {

    /** {@code torch.finfo(torch.float32).min}. */
    public static final float FLOAT32_MIN = -Float.MAX_VALUE;

    private AttentionMasks() {}

    /**
     * Turns a {@code [batch, seq]} mask of ones (attend) and zeros (padding) into the additive mask
     * {@code [batch, 1, 1, seq]}: 0 where attended, {@link #FLOAT32_MIN} where padded.
     */
    public static NDArray extendedAttentionMask(NDArray attentionMask) {
        Shape shape = attentionMask.getShape();
        NDArray mask = attentionMask.toType(DataType.FLOAT32, false).reshape(shape.get(0), 1, 1, shape.get(1));
        return mask.neg().add(1f).mul(FLOAT32_MIN);
    }
}
