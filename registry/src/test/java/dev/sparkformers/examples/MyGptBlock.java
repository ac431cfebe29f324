package dev.sparkformers.examples;

import ai.djl.ndarray.NDArray;

import dev.sparkformers.nn.LayerNorm;
import dev.sparkformers.nn.Module;
import dev.sparkformers.nn.Scopes;

/** Pre-norm decoder block: {@code h = x + attn(norm1(x))}, then {@code h + ff(norm2(h))}. */
public class MyGptBlock extends Module {

    /** LayerNorm epsilon, GPT-2's, so that GPT-2 weights give GPT-2's outputs. */
    static final double LAYER_NORM_EPS = 1e-5;

    private final LayerNorm norm1;
    private final MyGptAttention attn;
    private final LayerNorm norm2;
    private final MyGptFeedForward ff;

    public MyGptBlock(MyGptConfig config) {
        this.norm1 = registerModule("norm1", new LayerNorm(config.dModel(), LAYER_NORM_EPS));
        this.attn = registerModule("attn", new MyGptAttention(config));
        this.norm2 = registerModule("norm2", new LayerNorm(config.dModel(), LAYER_NORM_EPS));
        this.ff = registerModule("ff", new MyGptFeedForward(config));
    }

    /** Runs the block, releasing every intermediate array but the output. */
    public NDArray forward(NDArray x, NDArray allowed) {
        return Scopes.keep(() -> {
            NDArray h = x.add(attn.forward(norm1.forward(x), allowed));
            return h.add(ff.forward(norm2.forward(h)));
        });
    }
}
