package dev.sparkformers.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Pooling} on a batch of three rows of four tokens with two hidden units, against values
 * worked out by hand. Padded positions contain values of magnitude 100 or more, so a mode that
 * reads them gives a visibly wrong result.
 */
class PoolingTest {

    private static final float TOLERANCE = 1e-6f;

    /**
     * Token embeddings {@code [3, 4, 2]}. Row 0 has no padding, row 1 is right-padded after two
     * tokens, and row 2 is left-padded before two tokens.
     */
    private static final float[][][] TOKENS = {
        {{1, -2}, {3, 0}, {-1, 4}, {5, 2}},
        {{2, 6}, {-4, 8}, {100, 100}, {100, 100}},
        {{100, 100}, {200, -100}, {7, -3}, {1, 5}},
    };

    private static final long[][] RIGHT_AND_LEFT_MASK = {{1, 1, 1, 1}, {1, 1, 0, 0}, {0, 0, 1, 1}};

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void meanIgnoresRightAndLeftPadding() {
        float[][] expected = {
            {(1 + 3 - 1 + 5) / 4f, (-2 + 0 + 4 + 2) / 4f},
            {(2 - 4) / 2f, (6 + 8) / 2f},
            {(7 + 1) / 2f, (-3 + 5) / 2f},
        };
        assertRows(expected, pool(PoolingMode.MEAN));
    }

    @Test
    void meanOfLeftPaddedRowEqualsUnpaddedRow() {
        // The same two tokens, once alone and once after two padded positions.
        NDArray unpadded = manager.create(new float[] {7, -3, 1, 5}, new Shape(1, 2, 2));
        NDArray alone = Pooling.pool(PoolingMode.MEAN, unpadded, manager.create(new long[][] {{1, 1}}));
        float[][] all = pool(PoolingMode.MEAN);
        assertArrayEquals(alone.toFloatArray(), all[2], TOLERANCE);
    }

    @Test
    void clsTakesFirstRealToken() {
        // Row 2 is left-padded, so its first real token is at position 2. Position 0 is padding,
        // which PoolingMode promises never to read.
        float[][] expected = {{1, -2}, {2, 6}, {7, -3}};
        assertRows(expected, pool(PoolingMode.CLS));
    }

    @Test
    void maxIgnoresPaddedPositions() {
        float[][] expected = {{5, 4}, {2, 8}, {7, 5}};
        assertRows(expected, pool(PoolingMode.MAX));
    }

    @Test
    void maxKeepsNegativeMaximum() {
        // Every real value is negative, and the padded position contains 0, which must not win.
        NDArray tokens = manager.create(new float[] {-3, -7, -5, -1, 0, 0}, new Shape(1, 3, 2));
        NDArray pooled = Pooling.pool(PoolingMode.MAX, tokens, manager.create(new long[][] {{1, 1, 0}}));
        assertArrayEquals(new float[] {-3, -1}, pooled.toFloatArray(), TOLERANCE);
    }

    @Test
    void lastTokenTakesLastRealToken() {
        float[][] expected = {{5, 2}, {-4, 8}, {1, 5}};
        assertRows(expected, pool(PoolingMode.LAST_TOKEN));
    }

    @Test
    void meanSqrtLenTokensScalesSum() {
        float[][] expected = {
            {8 / 2f, 4 / 2f},
            {-2 / (float) Math.sqrt(2), 14 / (float) Math.sqrt(2)},
            {8 / (float) Math.sqrt(2), 2 / (float) Math.sqrt(2)},
        };
        assertRows(expected, pool(PoolingMode.MEAN_SQRT_LEN_TOKENS));
    }

    @Test
    void normalizeDividesByEuclideanNorm() {
        NDArray embeddings = manager.create(new float[][] {{3, 4}, {0, 0}, {-1, 0}});
        float[] normalized = Pooling.normalize(embeddings).toFloatArray();
        // A zero row stays zero: the norm is clamped at 1e-12, as torch.nn.functional.normalize does.
        assertArrayEquals(new float[] {0.6f, 0.8f, 0, 0, -1, 0}, normalized, TOLERANCE);
    }

    private float[][] pool(PoolingMode mode) {
        float[] flat = new float[3 * 4 * 2];
        for (int b = 0; b < 3; b++) {
            for (int t = 0; t < 4; t++) {
                flat[(b * 4 + t) * 2] = TOKENS[b][t][0];
                flat[(b * 4 + t) * 2 + 1] = TOKENS[b][t][1];
            }
        }
        NDArray tokens = manager.create(flat, new Shape(3, 4, 2));
        NDArray pooled = Pooling.pool(mode, tokens, manager.create(RIGHT_AND_LEFT_MASK));
        assertEquals(new Shape(3, 2), pooled.getShape());
        float[] values = pooled.toFloatArray();
        return new float[][] {{values[0], values[1]}, {values[2], values[3]}, {values[4], values[5]}};
    }

    private static void assertRows(float[][] expected, float[][] actual) {
        for (int b = 0; b < expected.length; b++) {
            assertArrayEquals(expected[b], actual[b], TOLERANCE, "row " + b);
        }
    }
}
