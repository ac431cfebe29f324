package dev.sparkformers.auto;

import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.modeling.PreTrainedModel;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.Objects;
import java.util.function.Function;

/**
 * A model class the Auto classes can build: its architecture name (the class's simple name, as in
 * config.json's {@code architectures}), its config class and its constructor.
 *
 * @param name architecture name, for example {@code BertForMaskedLM}
 * @param configClass the config class the constructor takes
 * @param type the model class
 * @param constructor builds the model from a config
 * @param <C> config type
 */
public record ModelClass<C extends PretrainedConfig>(String name, Class<C> configClass,
        Class<? extends PreTrainedModel<?>> type, Function<C, ? extends PreTrainedModel<?>> constructor) {

    public ModelClass {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(configClass, "configClass is null");
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(constructor, "constructor is null");
    }

    /** Describes {@code type}, built by {@code constructor}. */
    public static <C extends PretrainedConfig, M extends PreTrainedModel<?>> ModelClass<C> of(Class<C> configClass,
            Class<M> type, Function<C, M> constructor) {
        return new ModelClass<>(type.getSimpleName(), configClass, type, constructor);
    }

    /**
     * Describes {@code type}, built through its public constructor that takes the config.
     *
     * @throws IllegalArgumentException if there is no such constructor, naming the one to add
     */
    public static <C extends PretrainedConfig> ModelClass<C> reflective(Class<C> configClass,
            Class<? extends PreTrainedModel<?>> type) {
        if (Modifier.isAbstract(type.getModifiers())) {
            throw new IllegalArgumentException("Model class " + type.getName() + " is abstract");
        }
        Constructor<?> constructor = null;
        for (Constructor<?> candidate : type.getConstructors()) {
            Class<?>[] parameters = candidate.getParameterTypes();
            if (parameters.length == 1 && parameters[0].isAssignableFrom(configClass)) {
                constructor = candidate;
                break;
            }
        }
        if (constructor == null) {
            throw new IllegalArgumentException("Model class " + type.getName() + " has no public constructor taking "
                    + configClass.getName() + "; add public " + type.getSimpleName() + "("
                    + configClass.getSimpleName() + " config)");
        }
        Constructor<?> chosen = constructor;
        Function<C, PreTrainedModel<?>> factory = config -> {
            try {
                return (PreTrainedModel<?>) chosen.newInstance(config);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException("Constructor of " + type.getName() + " failed", e.getCause());
            } catch (InstantiationException | IllegalAccessException e) {
                throw new IllegalStateException("Cannot construct " + type.getName(), e);
            }
        };
        return new ModelClass<>(type.getSimpleName(), configClass, type, factory);
    }

    /** Builds the model for {@code config}, which must be of {@link #configClass()}. */
    public PreTrainedModel<?> create(PretrainedConfig config) {
        return constructor.apply(configClass.cast(config));
    }
}
