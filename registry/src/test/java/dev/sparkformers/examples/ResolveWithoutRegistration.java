package dev.sparkformers.examples;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.sparkformers.auto.AutoModel;
import dev.sparkformers.modeling.BaseModelOutput;
import dev.sparkformers.modeling.PreTrainedModel;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A fresh JVM that loads a saved {@code my_gpt} checkpoint through {@link AutoModel} without any
 * {@code register} call, as a Spark executor would: the family must come from the services file.
 * Prints the model class on the first line and the last hidden state of the ids 1..4 on the second.
 */
public final class ResolveWithoutRegistration {

    private ResolveWithoutRegistration() {}

    public static void main(String[] args) throws Exception {
        try (PreTrainedModel<?> model = AutoModel.fromPretrained(Path.of(args[0]));
                NDManager manager = NDManager.newBaseManager()) {
            BaseModelOutput output = (BaseModelOutput) model.forward(
                    dev.sparkformers.modeling.ModelInputs.of(manager.create(new long[] {1, 2, 3, 4}, new Shape(1, 4))));
            System.out.println(model.getClass().getName());
            System.out.println(Arrays.toString(output.lastHiddenState().toFloatArray()));
        }
    }
}
