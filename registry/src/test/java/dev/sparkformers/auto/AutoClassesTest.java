package dev.sparkformers.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.modeling.BaseModelOutput;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.models.bert.BertConfig;
import dev.sparkformers.models.bert.BertForMaskedLM;
import dev.sparkformers.models.bert.BertForSequenceClassification;
import dev.sparkformers.models.bert.BertModel;
import dev.sparkformers.testing.Golden;

import org.junit.jupiter.api.Test;

import java.io.IOException;

class AutoClassesTest {

    @Test
    void autoConfigPicksClassByModelType() throws IOException {
        assertInstanceOf(BertConfig.class, AutoConfig.fromPretrained(Golden.directory("tiny-bert")));
    }

    @Test
    void autoModelBuildsTheBaseModelOfAHeadCheckpoint() throws IOException {
        try (PreTrainedModel<?> model = AutoModel.fromPretrained(Golden.directory("tiny-bert-mlm"))) {
            assertInstanceOf(BertModel.class, model);
        }
    }

    @Test
    void autoModelForTaskBuildsTheHead() throws IOException {
        try (PreTrainedModel<?> model = AutoModelForMaskedLM.fromPretrained(Golden.directory("tiny-bert-mlm"))) {
            assertInstanceOf(BertForMaskedLM.class, model);
        }
        try (PreTrainedModel<?> model =
                AutoModelForSequenceClassification.fromPretrained(Golden.directory("tiny-bert-cls"))) {
            assertInstanceOf(BertForSequenceClassification.class, model);
        }
    }

    @Test
    void taskWithoutClassForFamilyFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AutoModelForCausalLM.fromPretrained(Golden.directory("tiny-bert")));
        assertTrue(e.getMessage().contains("Unrecognized configuration class"), e.getMessage());
        assertTrue(e.getMessage().contains("AutoModelForCausalLM"), e.getMessage());
    }

    @Test
    void registeringConfigWithOtherModelTypeFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AutoConfig.register("not_bert", BertConfig.class));
        assertTrue(e.getMessage().contains("not consistent with the model type you passed"), e.getMessage());
    }

    @Test
    void registeringSecondClassUnderTakenKeyFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AutoConfig.register("bert", OtherBertConfig.class));
        assertTrue(e.getMessage().contains("already registered"), e.getMessage());
    }

    @Test
    void registeringSameClassAgainIsANoOp() {
        AutoConfig.register("bert", BertConfig.class);
        AutoModel.register(BertConfig.class, BertModel.class);
    }

    @Test
    void registeringDifferentModelForTakenConfigFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AutoModel.register(BertConfig.class, BertForMaskedLM.class));
        assertTrue(e.getMessage().contains("already used by"), e.getMessage());
    }

    @Test
    void userModelRegistersAndLoads() {
        AutoConfig.register(TinyConfig.MODEL_TYPE, TinyConfig.class);
        AutoModel.register(TinyConfig.class, TinyModel.class);
        PretrainedConfig config = AutoConfig.forModelType(TinyConfig.MODEL_TYPE);
        try (PreTrainedModel<?> model = AutoModel.fromConfig(config, LoadOptions.defaults())) {
            assertInstanceOf(TinyModel.class, model);
            assertEquals(1, model.namedParameters().size());
        }
    }

    @Test
    void modelWithoutConfigConstructorIsRejected() {
        AutoConfig.register(TinyConfig.MODEL_TYPE, TinyConfig.class);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AutoModelForMaskedLM.register(TinyConfig.class, NoConstructorModel.class));
        assertTrue(e.getMessage().contains("has no public constructor taking"), e.getMessage());
    }

    /** A second class claiming model_type bert. */
    public static class OtherBertConfig extends BertConfig {
    }

    /** A minimal user config. */
    public static class TinyConfig extends PretrainedConfig {
        static final String MODEL_TYPE = "tiny_test_model";

        @Override
        public String modelType() {
            return MODEL_TYPE;
        }
    }

    /** A minimal user model. */
    public static class TinyModel extends PreTrainedModel<TinyConfig> {
        public TinyModel(TinyConfig config) {
            super(config);
            registerParameter("scale", dev.sparkformers.nn.Init.ONES, 1);
        }

        @Override
        public String baseModelPrefix() {
            return "tiny";
        }

        @Override
        public BaseModelOutput forward(ModelInputs inputs) {
            return runForward(inputs, () -> new BaseModelOutput(inputs.inputIds().toType(
                    ai.djl.ndarray.types.DataType.FLOAT32, true), null, null));
        }
    }

    /** A model class the registry cannot construct. */
    public static class NoConstructorModel extends TinyModel {
        public NoConstructorModel() {
            super(new TinyConfig());
        }
    }
}
