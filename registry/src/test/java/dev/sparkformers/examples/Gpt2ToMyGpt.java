package dev.sparkformers.examples;

import dev.sparkformers.modeling.WeightMapping;
import dev.sparkformers.models.gpt2.GPT2Config;

/**
 * How HuggingFace GPT-2 checkpoints ({@code GPT2LMHeadModel}) load into {@link MyGptForCausalLM}:
 * renamed weights, Conv1D {@code [in, out]} weights transposed into Linear layout, the fused
 * {@code c_attn} split into {@code q}, {@code k} and {@code v}, and {@code lm_head} filled with the
 * token embeddings, which GPT-2 files leave out because they are tied.
 */
public final class Gpt2ToMyGpt {

    /** The mapping from GPT-2 names to {@code my_gpt} names. */
    public static final WeightMapping MAPPING = WeightMapping.builder()
            .map("transformer.wte.weight").to("token_embed.weight")
            .map("transformer.wpe.weight").to("pos_embed.weight")
            .map("transformer.h.{layer}.ln_1.weight").to("blocks.{layer}.norm1.weight")
            .map("transformer.h.{layer}.ln_1.bias").to("blocks.{layer}.norm1.bias")
            .map("transformer.h.{layer}.attn.c_attn.weight").split(1).transpose()
                    .to("blocks.{layer}.attn.q.weight", "blocks.{layer}.attn.k.weight", "blocks.{layer}.attn.v.weight")
            .map("transformer.h.{layer}.attn.c_attn.bias").split(0)
                    .to("blocks.{layer}.attn.q.bias", "blocks.{layer}.attn.k.bias", "blocks.{layer}.attn.v.bias")
            .map("transformer.h.{layer}.attn.c_proj.weight").transpose().to("blocks.{layer}.attn.proj.weight")
            .map("transformer.h.{layer}.attn.c_proj.bias").to("blocks.{layer}.attn.proj.bias")
            .map("transformer.h.{layer}.ln_2.weight").to("blocks.{layer}.norm2.weight")
            .map("transformer.h.{layer}.ln_2.bias").to("blocks.{layer}.norm2.bias")
            .map("transformer.h.{layer}.mlp.c_fc.weight").transpose().to("blocks.{layer}.ff.fc1.weight")
            .map("transformer.h.{layer}.mlp.c_fc.bias").to("blocks.{layer}.ff.fc1.bias")
            .map("transformer.h.{layer}.mlp.c_proj.weight").transpose().to("blocks.{layer}.ff.fc2.weight")
            .map("transformer.h.{layer}.mlp.c_proj.bias").to("blocks.{layer}.ff.fc2.bias")
            .map("transformer.ln_f.weight").to("norm_f.weight")
            .map("transformer.ln_f.bias").to("norm_f.bias")
            .map("lm_head.weight").to("lm_head.weight")
            .tie("lm_head.weight", "token_embed.weight")
            // GPT-2's causal-mask buffers, stored by older checkpoints.
            .ignoreSource("transformer.h.{layer}.attn.bias")
            .ignoreSource("transformer.h.{layer}.attn.masked_bias")
            .build();

    private Gpt2ToMyGpt() {}

    /**
     * Returns the {@code my_gpt} config with the sizes of a GPT-2 config. Only GPT-2 configs with
     * the defaults that {@code my_gpt} hard-codes (gelu_new, LayerNorm epsilon 1e-5, n_inner unset,
     * scaled attention) give the same outputs.
     */
    public static MyGptConfig config(GPT2Config gpt2) {
        MyGptConfig config = new MyGptConfig()
                .setVocabSize(gpt2.vocabSize())
                .setDModel(gpt2.nEmbd())
                .setNHeads(gpt2.nHead())
                .setNLayers(gpt2.nLayer())
                .setMaxLen(gpt2.nPositions());
        config.setBosTokenId(gpt2.bosTokenId().isPresent() ? gpt2.bosTokenId().getAsInt() : null);
        config.setEosTokenId(gpt2.eosTokenIds().isEmpty() ? null : gpt2.eosTokenIds().get(0));
        return config;
    }
}
