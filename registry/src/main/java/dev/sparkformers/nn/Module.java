package dev.sparkformers.nn;

import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A node of a model's parameter tree, named like PyTorch's {@code nn.Module}, so that the full
 * names of its parameters are HuggingFace's state-dict keys ({@code encoder.layer.0.output.dense.weight}).
 *
 * <p>A module registers its own parameters first and its children in the order of the reference
 * implementation, because PyTorch's {@code state_dict()} lists a module's own parameters before
 * its children's, in registration order. Forward methods are defined by each subclass with the
 * arguments it needs; they run in eval mode (dropout is the identity).
 */
public abstract class Module {

    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Set<String> bufferNames = new LinkedHashSet<>();

    /** Registers a parameter under {@code name} and returns it. */
    protected final Parameter registerParameter(String name, Init init, long... shape) {
        checkName(name);
        Parameter parameter = new Parameter(new Shape(shape), init);
        parameters.put(name, parameter);
        return parameter;
    }

    /**
     * Puts an existing parameter under {@code name}, replacing any parameter registered there: this
     * is how weights are tied.
     */
    protected final void tieParameter(String name, Parameter shared) {
        Objects.requireNonNull(shared, "shared parameter is null");
        if (!parameters.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter '" + name + "' to tie");
        }
        parameters.put(name, shared);
    }

    /** Registers a child module under {@code name} and returns it. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, Objects.requireNonNull(module, "module is null"));
        return module;
    }

    /**
     * Declares a non-persistent buffer, such as BERT's {@code position_ids}: it is computed, not
     * stored, but older checkpoints may hold it, and loading must not report it as unexpected.
     */
    protected final void registerBufferName(String name) {
        checkName(name);
        bufferNames.add(name);
    }

    /** This module's own parameters by local name. */
    public final Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** Child modules by local name. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * Every parameter of the tree under its full dotted name, in state-dict order. A tied
     * parameter appears once per name.
     */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> result = new LinkedHashMap<>();
        collectParameters("", result);
        return result;
    }

    /** Full names of every non-persistent buffer in the tree. */
    public final Set<String> namedBuffers() {
        Set<String> result = new LinkedHashSet<>();
        collectBuffers("", result);
        return result;
    }

    /** Number of distinct parameter elements in the tree, tied parameters counted once. */
    public final long parameterCount() {
        return namedParameters().values().stream()
                .distinct()
                .mapToLong(p -> p.shape().size())
                .reduce(0L, Math::addExact);
    }

    private void collectParameters(String prefix, Map<String, Parameter> into) {
        parameters.forEach((name, parameter) -> into.put(prefix + name, parameter));
        children.forEach((name, child) -> child.collectParameters(prefix + name + ".", into));
    }

    private void collectBuffers(String prefix, Set<String> into) {
        bufferNames.forEach(name -> into.add(prefix + name));
        children.forEach((name, child) -> child.collectBuffers(prefix + name + ".", into));
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("Invalid module member name '" + name + "': it must be non-empty "
                    + "and contain no dot");
        }
        if (parameters.containsKey(name) || children.containsKey(name) || bufferNames.contains(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " already has a member named '"
                    + name + "'");
        }
    }
}
