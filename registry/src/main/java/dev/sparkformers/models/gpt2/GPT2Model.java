package dev.sparkformers.models.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.sparkformers.modeling.AttentionMasks;
import dev.sparkformers.modeling.BaseModelOutputWithPast;
import dev.sparkformers.modeling.KeyValue;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.nn.Embedding;
import dev.sparkformers.nn.LayerNorm;
import dev.sparkformers.nn.ModuleList;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bare GPT-2 decoder: token and position embeddings, the blocks and the final LayerNorm.
 *
 * <p>{@code forward} takes {@code input_ids} {@code [batch, seq]} and returns
 * {@code last_hidden_state} {@code [batch, seq, hidden]} after {@code ln_f} and, when
 * {@code use_cache} is on (the config's default), each block's keys and values. As in
 * HuggingFace: position ids default to {@code past .. past + seq - 1} for every row, padding
 * included; {@code token_type_ids} are looked up in {@code wte} and added; the last of the
 * returned hidden states is taken after {@code ln_f}.
 */
public class GPT2Model extends GPT2PreTrainedModel {

    private final Embedding wte;
    private final Embedding wpe;
    private final ModuleList<GPT2Block> h;
    private final LayerNorm lnF;

    public GPT2Model(GPT2Config config) {
        super(config);
        this.wte = registerModule("wte", new Embedding(config.vocabSize(), config.nEmbd()));
        this.wpe = registerModule("wpe", new Embedding(config.nPositions(), config.nEmbd()));
        this.h = registerModule("h", new ModuleList<>());
        for (int i = 0; i < config.nLayer(); i++) {
            h.add(new GPT2Block(config, i));
        }
        this.lnF = registerModule("ln_f", new LayerNorm(config.nEmbd(), config.layerNormEpsilon()));
    }

    /** Loads a checkpoint directory with default options. */
    public static GPT2Model fromPretrained(Path directory) throws IOException {
        return fromPretrained(directory, LoadOptions.defaults());
    }

    public static GPT2Model fromPretrained(Path directory, LoadOptions options) throws IOException {
        return PreTrainedModel.fromPretrained(directory, GPT2Config.class, GPT2Model::new, options);
    }

    @Override
    public BaseModelOutputWithPast forward(ModelInputs inputs) {
        return runForward(inputs, () -> run(inputs));
    }

    /** Runs the forward pass without scope handling, for head models that run inside their own scope. */
    BaseModelOutputWithPast run(ModelInputs inputs) {
        GPT2Config config = config();
        List<KeyValue> past = inputs.pastKeyValues() == null || inputs.pastKeyValues().isEmpty() ? null
                : inputs.pastKeyValues();
        if (past != null && past.size() != h.size()) {
            throw new IllegalArgumentException("past_key_values has " + past.size() + " layers but the model has "
                    + h.size() + "; pass the cache this model returned");
        }
        long pastLength = past == null ? 0 : past.get(0).length();
        long seqLength = inputs.sequenceLength();
        boolean useCache = inputs.useCache() != null ? inputs.useCache() : config.useCache();
        boolean outputHiddenStates = inputs.outputHiddenStates(config.outputHiddenStates());
        boolean outputAttentions = inputs.outputAttentions(config.outputAttentions());

        NDArray positions = positionIds(inputs, pastLength); // (B or 1, T)
        NDArray hidden = embed(inputs.inputIds(), positions, inputs.tokenTypeIds()); // (B, T, hidden)
        NDArray causalMask = causalMask(inputs.inputIds().getManager(), seqLength, pastLength); // (T, past + T)
        // (B, 1, 1, past + T), in the hidden states' type: float16 when the weights were loaded in float16.
        NDArray paddingMask = inputs.attentionMask() == null ? null
                : AttentionMasks.extendedAttentionMask(inputs.attentionMask(), hidden.getDataType());

        List<NDArray> allHiddenStates = outputHiddenStates ? new ArrayList<>() : null;
        List<NDArray> allAttentions = outputAttentions ? new ArrayList<>() : null;
        List<KeyValue> presents = useCache ? new ArrayList<>() : null;
        List<GPT2Block> blocks = h.elements();
        for (int i = 0; i < blocks.size(); i++) {
            if (allHiddenStates != null) {
                allHiddenStates.add(hidden);
            }
            GPT2LayerOutput output = blocks.get(i).forward(hidden, past == null ? null : past.get(i), causalMask,
                    paddingMask, useCache, outputAttentions);
            hidden = output.hiddenStates();
            if (presents != null) {
                presents.add(output.present());
            }
            if (allAttentions != null) {
                allAttentions.add(output.attentions());
            }
        }

        hidden = lnF.forward(hidden);
        if (allHiddenStates != null) {
            allHiddenStates.add(hidden);
        }
        return new BaseModelOutputWithPast(hidden, presents == null ? null : List.copyOf(presents),
                allHiddenStates == null ? null : List.copyOf(allHiddenStates),
                allAttentions == null ? null : List.copyOf(allAttentions));
    }

    /**
     * Returns the given position ids, checked against {@code wpe}, or else {@code past .. past + seq - 1}
     * shared by every row.
     */
    private NDArray positionIds(ModelInputs inputs, long pastLength) {
        long seqLength = inputs.sequenceLength();
        if (inputs.positionIds() == null) {
            if (pastLength + seqLength > wpe.numEmbeddings()) {
                throw new IllegalArgumentException("Sequence length " + (pastLength + seqLength) + " (" + pastLength
                        + " cached + " + seqLength + " new positions) exceeds n_positions " + wpe.numEmbeddings()
                        + "; truncate the input or generate fewer tokens");
            }
            return inputs.inputIds().getManager()
                    .arange(pastLength, pastLength + seqLength, 1, DataType.INT64)
                    .expandDims(0);
        }
        checkIds("position_ids", inputs.positionIds(), wpe.numEmbeddings(),
                "positions must be below n_positions; truncate the input or generate fewer tokens");
        return inputs.positionIds();
    }

    /** {@code wte(input_ids) + wpe(positions)}, plus {@code wte(token_type_ids)} when given. */
    private NDArray embed(NDArray inputIds, NDArray positions, NDArray tokenTypeIds) {
        checkIds("input_ids", inputIds, wte.numEmbeddings(), "the tokenizer does not match the model");
        NDArray hidden = wte.forward(inputIds).add(wpe.forward(positions)); // (B, T, hidden)
        if (tokenTypeIds != null) {
            checkIds("token_type_ids", tokenTypeIds, wte.numEmbeddings(), "GPT-2 looks them up in the token table");
            hidden = hidden.add(wte.forward(tokenTypeIds));
        }
        return hidden;
    }

    /**
     * Builds the lower-triangular part of HuggingFace's {@code bias} buffer that the new positions see:
     * query {@code i} (absolute position {@code past + i}) may attend to keys {@code 0 .. past + i}.
     */
    private static NDArray causalMask(NDManager manager, long seqLength, long pastLength) {
        int queries = Math.toIntExact(seqLength);
        int keys = Math.toIntExact(pastLength + seqLength);
        boolean[] allowed = new boolean[Math.multiplyExact(queries, keys)];
        for (int i = 0; i < queries; i++) {
            for (int j = 0; j <= pastLength + i; j++) {
                allowed[i * keys + j] = true;
            }
        }
        return manager.create(allowed, new Shape(queries, keys));
    }

    /** Fails with a message instead of a native index error when ids fall outside a table. */
    private static void checkIds(String name, NDArray ids, long tableSize, String hint) {
        if (ids.size() == 0) {
            return;
        }
        long min = ids.min().getLong();
        long max = ids.max().getLong();
        if (min < 0 || max >= tableSize) {
            throw new IllegalArgumentException(name + " holds ids in [" + min + ", " + max + "], outside [0, "
                    + tableSize + "); " + hint);
        }
    }

    /** Returns the token embedding table, which the LM head shares. */
    public Embedding wte() {
        return wte;
    }
}
