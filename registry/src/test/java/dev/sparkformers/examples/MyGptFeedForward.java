package dev.sparkformers.examples;

import ai.djl.ndarray.NDArray;

import dev.sparkformers.nn.Activations;
import dev.sparkformers.nn.Linear;
import dev.sparkformers.nn.Module;

/** Feed-forward block: {@code fc2(gelu_tanh(fc1(x)))}, widening to {@code 4 * d_model}. */
public class MyGptFeedForward extends Module {

    private final Linear fc1;
    private final Linear fc2;

    public MyGptFeedForward(MyGptConfig config) {
        this.fc1 = registerModule("fc1", new Linear(config.dModel(), 4L * config.dModel()));
        this.fc2 = registerModule("fc2", new Linear(4L * config.dModel(), config.dModel()));
    }

    public NDArray forward(NDArray x) {
        return fc2.forward(Activations.geluTanh(fc1.forward(x)));
    }
}
