package dev.sparkformers.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

import dev.sparkformers.modeling.AttentionMasks;
import dev.sparkformers.nn.Linear;
import dev.sparkformers.nn.Module;

/** Multi-head self-attention with separate query, key, value and output projections in Linear layout. */
public class MyGptAttention extends Module {

    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear proj;
    private final int numHeads;
    private final int headDim;

    public MyGptAttention(MyGptConfig config) {
        this.numHeads = config.nHeads();
        this.headDim = config.dModel() / config.nHeads();
        this.q = registerModule("q", new Linear(config.dModel(), config.dModel()));
        this.k = registerModule("k", new Linear(config.dModel(), config.dModel()));
        this.v = registerModule("v", new Linear(config.dModel(), config.dModel()));
        this.proj = registerModule("proj", new Linear(config.dModel(), config.dModel()));
    }

    /**
     * @param x {@code [batch, seq, d_model]}
     * @param allowed boolean {@code [batch, 1, seq, seq]}: whether a query may attend to a key
     */
    public NDArray forward(NDArray x, NDArray allowed) {
        NDArray query = splitHeads(q.forward(x)); // (B, nh, T, hs)
        NDArray key = splitHeads(k.forward(x));
        NDArray value = splitHeads(v.forward(x));

        NDArray scores = query.matMul(key.transpose(0, 1, 3, 2)).div((float) Math.sqrt(headDim)); // (B, nh, T, T)
        // The fill value takes the scores' type, so that a model loaded in float16 stays in float16.
        NDArray minimum = scores.getManager()
                .full(scores.getShape(), AttentionMasks.minValue(scores.getDataType()))
                .toType(scores.getDataType(), false);
        scores = NDArrays.where(allowed.broadcast(scores.getShape()), scores, minimum);
        NDArray context = scores.softmax(-1).matMul(value); // (B, nh, T, hs)

        long batch = x.getShape().get(0);
        long seq = x.getShape().get(1);
        return proj.forward(context.transpose(0, 2, 1, 3).reshape(batch, seq, (long) numHeads * headDim));
    }

    private NDArray splitHeads(NDArray x) {
        return x.reshape(x.getShape().get(0), x.getShape().get(1), numHeads, headDim).transpose(0, 2, 1, 3);
    }
}
