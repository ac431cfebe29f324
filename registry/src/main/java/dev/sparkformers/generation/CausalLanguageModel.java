package dev.sparkformers.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;

import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.modeling.CausalLMOutputWithPast;
import dev.sparkformers.modeling.KeyValue;
import dev.sparkformers.modeling.ModelInputs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A model that predicts the next token, and so can {@link #generate} text, after HuggingFace's
 * {@code GenerationMixin}. A {@code PreTrainedModel} implements it by returning next-token logits
 * from {@link #forward} and holding a {@link GenerationConfig}; the defaults of the other methods
 * suit decoder-only models whose forward takes {@code attention_mask} and {@code position_ids}.
 *
 * <p>A model that returns {@code past_key_values} is run on the new token only after the first
 * step; one that returns none is run on the whole sequence at every step, with the same result.
 */
public interface CausalLanguageModel {

    /** Runs the model: {@code logits [batch, seq, vocab]}, and the cache when {@code use_cache} requests it. */
    CausalLMOutputWithPast forward(ModelInputs inputs);

    /** The model's config, whose token ids back up the generation settings. */
    PretrainedConfig config();

    /** The model's default generation settings, usually read from {@code generation_config.json}. */
    GenerationConfig generationConfig();

    /**
     * Builds the inputs of one decoding step, HuggingFace's {@code prepare_inputs_for_generation}
     * for GPT-2: with a cache, only the positions it does not cover; position ids counted over the
     * attention mask ({@code cumsum - 1}, and 1 on padding), so that left-padded prompts start at 0.
     *
     * @param sequences int64 {@code [rows, length]}: prompts and the tokens generated so far
     * @param attentionMask {@code [rows, length]}, 0 on padding
     * @param pastKeyValues the cache returned by the previous step, or null
     * @param useCache whether to ask the model for a cache
     */
    default ModelInputs prepareInputsForGeneration(NDArray sequences, NDArray attentionMask,
            List<KeyValue> pastKeyValues, boolean useCache) {
        NDArray inputIds = sequences;
        if (pastKeyValues != null && !pastKeyValues.isEmpty()) {
            long length = sequences.getShape().get(1);
            long cached = pastKeyValues.get(0).length();
            long uncached = length > cached ? length - cached : 1;
            inputIds = sequences.get(new NDIndex(":, -" + uncached + ":")); // (rows, uncached)
        }
        NDArray positions = attentionMask.cumSum(1).sub(1); // (rows, length)
        positions = NDArrays.where(attentionMask.eq(0), positions.onesLike(), positions);
        positions = positions.get(new NDIndex(":, -" + inputIds.getShape().get(1) + ":"));
        return ModelInputs.builder(inputIds)
                .attentionMask(attentionMask)
                .positionIds(positions)
                .pastKeyValues(pastKeyValues)
                .useCache(useCache)
                .build();
    }

    /**
     * Reorders the cache rows to follow the beams that beam search kept, HuggingFace's
     * {@code _reorder_cache}. The returned arrays are new; the caller closes the old ones.
     *
     * @param beamRows int64 {@code [rows]}: for each new row, the old row it continues
     */
    default List<KeyValue> reorderCache(List<KeyValue> pastKeyValues, NDArray beamRows) {
        List<KeyValue> reordered = new ArrayList<>(pastKeyValues.size());
        NDIndex rows = new NDIndex("{}", beamRows);
        for (KeyValue layer : pastKeyValues) {
            reordered.add(new KeyValue(layer.key().get(rows), layer.value().get(rows))); // (rows, heads, past, hs)
        }
        return reordered;
    }

    /**
     * Generates continuations of the prompts in {@code inputIds} with the model's settings.
     *
     * @param inputIds int64 {@code [batch, length]}; pad batches on the left
     * @param attentionMask 0 on padding, or null to infer it from {@code pad_token_id} as HuggingFace does
     */
    default GenerateOutput generate(NDArray inputIds, NDArray attentionMask) {
        return generate(inputIds, attentionMask, generationConfig(), null);
    }

    /**
     * Generates with the model's settings updated by HuggingFace keyword arguments, for example
     * {@code Map.of("max_new_tokens", 8, "num_beams", 3)}.
     *
     * @throws IllegalArgumentException for a key that is not a generation setting
     */
    default GenerateOutput generate(NDArray inputIds, NDArray attentionMask, Map<String, ?> keywordArguments) {
        GenerationConfig settings = generationConfig().copy();
        Set<String> unused = settings.update(keywordArguments);
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("The following generation arguments are not used by the model: "
                    + unused + " (note: typos in the generate arguments will also show up in this list)");
        }
        return generate(inputIds, attentionMask, settings, null);
    }

    /**
     * Generates continuations of the prompts in {@code inputIds}.
     *
     * @param settings the generation settings; they are copied, not changed
     * @param random source of the draws when sampling, seeded for reproducible runs; null uses a
     *     new unseeded {@link Random}
     * @return the sequences and, as the settings ask, per-step scores and logits and beam details;
     *     its arrays belong to the manager of {@code inputIds}
     * @throws IllegalArgumentException for invalid or unimplemented settings
     */
    default GenerateOutput generate(NDArray inputIds, NDArray attentionMask, GenerationConfig settings,
            RandomGenerator random) {
        return Generation.generate(this, inputIds, attentionMask, settings, random == null ? new Random() : random);
    }

    /**
     * Generates with one source of draws per prompt: a prompt's samples depend on its own
     * generator only, not on the other prompts of the batch or their order, so a seed per prompt
     * reproduces its output in any batch.
     *
     * @param randoms one generator per row of {@code inputIds}, in order
     * @throws IllegalArgumentException if the number of generators differs from the number of prompts
     */
    default GenerateOutput generatePerPrompt(NDArray inputIds, NDArray attentionMask, GenerationConfig settings,
            List<? extends RandomGenerator> randoms) {
        long prompts = inputIds.getShape().get(0);
        if (randoms.size() != prompts) {
            throw new IllegalArgumentException("generatePerPrompt needs one random generator per prompt, but got "
                    + randoms.size() + " for " + prompts + " prompts");
        }
        List<RandomGenerator> copy = List.copyOf(randoms);
        return Generation.generate(this, inputIds, attentionMask, settings, copy::get);
    }
}
