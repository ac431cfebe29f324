package dev.sparkformers.examples;

import dev.sparkformers.modeling.BaseModelOutput;
import dev.sparkformers.modeling.ModelInputs;

/**
 * The bare {@code my_gpt} decoder, returning {@link BaseModelOutput}. The Auto classes build it
 * through its public constructor that takes the config.
 */
public class MyGptModel extends MyGptPreTrainedModel {

    public MyGptModel(MyGptConfig config) {
        super(config);
    }

    @Override
    public BaseModelOutput forward(ModelInputs inputs) {
        return runForward(inputs, () -> decode(inputs));
    }
}
