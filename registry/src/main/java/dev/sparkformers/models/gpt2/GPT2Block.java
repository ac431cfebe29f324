package dev.sparkformers.models.gpt2;

import ai.djl.ndarray.NDArray;

import dev.sparkformers.modeling.KeyValue;
import dev.sparkformers.nn.LayerNorm;
import dev.sparkformers.nn.Module;
import dev.sparkformers.nn.Scopes;

/**
 * One GPT-2 decoder block with pre-normalisation:
 * {@code h = x + attn(ln_1(x))}, then {@code h + mlp(ln_2(h))}.
 */
public class GPT2Block extends Module {

    private final LayerNorm ln1;
    private final GPT2Attention attn;
    private final LayerNorm ln2;
    private final GPT2MLP mlp;

    public GPT2Block(GPT2Config config, int layerIdx) {
        this.ln1 = registerModule("ln_1", new LayerNorm(config.nEmbd(), config.layerNormEpsilon()));
        this.attn = registerModule("attn", new GPT2Attention(config, layerIdx));
        this.ln2 = registerModule("ln_2", new LayerNorm(config.nEmbd(), config.layerNormEpsilon()));
        this.mlp = registerModule("mlp", new GPT2MLP(config));
    }

    /**
     * Runs the block and releases every intermediate array except its output, the new cache
     * entry and, when requested, the attention probabilities. Arguments as in {@link GPT2Attention#forward}.
     */
    public GPT2LayerOutput forward(NDArray hiddenStates, KeyValue layerPast, NDArray causalMask, NDArray paddingMask,
            boolean useCache, boolean outputAttentions) {
        return Scopes.keep(() -> {
            GPT2LayerOutput attention = attn.forward(ln1.forward(hiddenStates), layerPast, causalMask, paddingMask,
                    useCache, outputAttentions);
            NDArray residual = attention.hiddenStates().add(hiddenStates); // (B, T, hidden)
            NDArray output = residual.add(mlp.forward(ln2.forward(residual)));
            return new GPT2LayerOutput(output, attention.present(), attention.attentions());
        }, GPT2LayerOutput::arrays);
    }
}
