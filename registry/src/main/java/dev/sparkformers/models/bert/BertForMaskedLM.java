package dev.sparkformers.models.bert;

import ai.djl.ndarray.NDArray;

import dev.sparkformers.modeling.BaseModelOutputWithPooling;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.Losses;
import dev.sparkformers.modeling.MaskedLMOutput;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.PreTrainedModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * BERT with the masked language modelling head: logits {@code [batch, seq, vocab]}.
 *
 * <p>The encoder has no pooler. The decoder weight is the word embedding matrix when
 * {@code tie_word_embeddings} is true (the default), so checkpoints store it once.
 */
public class BertForMaskedLM extends BertPreTrainedModel {

    private final BertModel bert;
    private final BertOnlyMLMHead cls;

    public BertForMaskedLM(BertConfig config) {
        super(config);
        this.bert = registerModule("bert", new BertModel(config, false));
        this.cls = registerModule("cls", new BertOnlyMLMHead(config));
        if (config.tieWordEmbeddings()) {
            cls.predictions().decoder().tieWeight(bert.embeddings().wordEmbeddings().weight());
        }
    }

    public static BertForMaskedLM fromPretrained(Path directory) throws IOException {
        return fromPretrained(directory, LoadOptions.defaults());
    }

    public static BertForMaskedLM fromPretrained(Path directory, LoadOptions options) throws IOException {
        return PreTrainedModel.fromPretrained(directory, BertConfig.class, BertForMaskedLM::new, options);
    }

    @Override
    protected List<String> tiedWeightsKeys() {
        return List.of("predictions.decoder.bias", "cls.predictions.decoder.weight");
    }

    public MaskedLMOutput forward(ModelInputs inputs) {
        return runForward(inputs, () -> {
            BaseModelOutputWithPooling outputs = bert.run(inputs);
            NDArray logits = cls.forward(outputs.lastHiddenState());
            NDArray loss = null;
            if (inputs.labels() != null) {
                long vocab = logits.getShape().get(2);
                loss = Losses.crossEntropy(logits.reshape(-1, vocab), inputs.labels().reshape(-1), logits.getManager());
            }
            return new MaskedLMOutput(loss, logits, outputs.hiddenStates(), outputs.attentions());
        });
    }
}
