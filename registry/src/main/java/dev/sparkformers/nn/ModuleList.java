package dev.sparkformers.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Child modules named {@code 0, 1, 2, ...}, like PyTorch's {@code nn.ModuleList}; gives keys such
 * as {@code encoder.layer.3.output.dense.weight}.
 *
 * @param <M> the element type
 */
public final class ModuleList<M extends Module> extends Module {

    private final List<M> elements = new ArrayList<>();

    /** Appends {@code module} under the next index and returns it. */
    public M add(M module) {
        registerModule(String.valueOf(elements.size()), module);
        elements.add(module);
        return module;
    }

    /** The elements in index order. */
    public List<M> elements() {
        return Collections.unmodifiableList(elements);
    }

    public int size() {
        return elements.size();
    }
}
