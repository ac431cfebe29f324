package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Common behaviour of model output records, after HuggingFace's {@code ModelOutput}: fields are
 * readable by name ({@code "last_hidden_state"} or {@code "lastHiddenState"}) and by position,
 * where, as in {@code to_tuple()}, absent (null) fields are skipped.
 *
 * <p>An output owns its arrays: {@link #close()} releases them. Forward methods attach them to the
 * manager of the input ids, so closing that manager releases them too.
 */
public interface ModelOutput extends AutoCloseable {

    /** HuggingFace names of the fields that are present, in declaration order. */
    default List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (RecordComponent component : components(this)) {
            if (value(this, component) != null) {
                keys.add(snakeCase(component.getName()));
            }
        }
        return Collections.unmodifiableList(keys);
    }

    /** The present fields' values in declaration order, like {@code to_tuple()}. */
    default List<Object> toTuple() {
        List<Object> values = new ArrayList<>();
        for (RecordComponent component : components(this)) {
            Object value = value(this, component);
            if (value != null) {
                values.add(value);
            }
        }
        return Collections.unmodifiableList(values);
    }

    /**
     * Returns the field at {@code index} among the present fields.
     *
     * @throws IndexOutOfBoundsException when fewer fields are present
     */
    default Object get(int index) {
        List<Object> tuple = toTuple();
        if (index < 0 || index >= tuple.size()) {
            throw new IndexOutOfBoundsException("Output " + getClass().getSimpleName() + " has " + tuple.size()
                    + " present fields " + keys() + "; index " + index + " is out of range");
        }
        return tuple.get(index);
    }

    /**
     * Returns a field by its HuggingFace name or Java name; null when the field is absent.
     *
     * @throws IllegalArgumentException for a name the output does not have
     */
    default Object get(String name) {
        for (RecordComponent component : components(this)) {
            if (component.getName().equals(name) || snakeCase(component.getName()).equals(name)) {
                return value(this, component);
            }
        }
        List<String> names = new ArrayList<>();
        for (RecordComponent component : components(this)) {
            names.add(snakeCase(component.getName()));
        }
        throw new IllegalArgumentException(getClass().getSimpleName() + " has no field '" + name + "'; fields: " + names);
    }

    /** Every array the output holds, nested lists flattened. */
    default NDList arrays() {
        NDList arrays = new NDList();
        for (Object value : toTuple()) {
            collectArrays(value, arrays);
        }
        return arrays;
    }

    /** Moves every array to {@code manager}, so that closing it releases them. */
    default void attach(NDManager manager) {
        for (NDArray array : arrays()) {
            array.attach(manager);
        }
    }

    @Override
    default void close() {
        for (NDArray array : arrays()) {
            array.close();
        }
    }

    private static void collectArrays(Object value, NDList into) {
        if (value instanceof NDArray array) {
            into.add(array);
        } else if (value instanceof Iterable<?> iterable) {
            for (Object element : iterable) {
                collectArrays(element, into);
            }
        }
    }

    private static RecordComponent[] components(ModelOutput output) {
        RecordComponent[] components = output.getClass().getRecordComponents();
        if (components == null) {
            throw new IllegalStateException(output.getClass().getName() + " must be a record to implement ModelOutput");
        }
        return components;
    }

    private static Object value(ModelOutput output, RecordComponent component) {
        try {
            return component.getAccessor().invoke(output);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("Cannot read " + component.getName() + " of " + output.getClass().getName(), e);
        }
    }

    /** Converts a Java component name ({@code lastHiddenState}) to HuggingFace's ({@code last_hidden_state}). */
    static String snakeCase(String camelCase) {
        StringBuilder out = new StringBuilder();
        for (char c : camelCase.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
