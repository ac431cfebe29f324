package dev.sparkformers.auto;

import dev.sparkformers.config.PretrainedConfig;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The table behind the Auto classes: config classes by {@code model_type}, and model classes by
 * task and config class, after HuggingFace's {@code CONFIG_MAPPING} and per-task model mappings.
 *
 * <p>Families are discovered with {@link ServiceLoader} on first use and again, with the thread's
 * context class loader, whenever a lookup misses, so that families in jars added later (Spark's
 * {@code --jars}) are found. Registration is thread-safe; registering the same class again is a
 * no-op, and registering a different class under a taken key fails.
 */
public final class ModelRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    private static final ModelRegistry INSTANCE = new ModelRegistry();

    private final Map<String, Class<? extends PretrainedConfig>> configs = new TreeMap<>();
    private final Map<AutoTask, Map<Class<? extends PretrainedConfig>, List<ModelClass<?>>>> models =
            new EnumMap<>(AutoTask.class);
    private boolean discovered;

    private ModelRegistry() {
        for (AutoTask task : AutoTask.values()) {
            models.put(task, new LinkedHashMap<>());
        }
    }

    /** The process-wide registry. */
    public static ModelRegistry get() {
        INSTANCE.discoverOnce();
        return INSTANCE;
    }

    /**
     * Registers a config class under {@code modelType}.
     *
     * @throws IllegalArgumentException if the class's {@code modelType()} differs from the key, or
     *     the key already maps to a different class
     */
    public synchronized void registerConfig(String modelType, Class<? extends PretrainedConfig> configClass) {
        Objects.requireNonNull(modelType, "modelType is null");
        Objects.requireNonNull(configClass, "configClass is null");
        String declared = newConfig(configClass).modelType();
        if (!modelType.equals(declared)) {
            throw new IllegalArgumentException("The config class " + configClass.getName() + " has model_type '"
                    + declared + "', which is not consistent with the model type you passed ('" + modelType
                    + "'). Fix one of those so they match.");
        }
        Class<? extends PretrainedConfig> existing = configs.get(modelType);
        if (existing != null && !existing.equals(configClass)) {
            throw new IllegalArgumentException("'" + modelType + "' is already registered to " + existing.getName()
                    + "; pick another model_type for " + configClass.getName());
        }
        if (existing == null) {
            configs.put(modelType, configClass);
            LOG.info("Registered config class {} for model_type '{}'", configClass.getName(), modelType);
        }
    }

    /**
     * Registers a model class for {@code task} and its config class.
     *
     * @param allowSeveral whether the task may list several classes for one config (families do;
     *     {@code register} calls do not)
     * @throws IllegalArgumentException if another class is registered for the same task and
     *     config class and {@code allowSeveral} is false
     */
    public synchronized void registerModel(AutoTask task, ModelClass<?> modelClass, boolean allowSeveral) {
        Objects.requireNonNull(task, "task is null");
        Objects.requireNonNull(modelClass, "modelClass is null");
        List<ModelClass<?>> list = models.get(task).computeIfAbsent(modelClass.configClass(), c -> new ArrayList<>());
        for (ModelClass<?> existing : list) {
            if (existing.type().equals(modelClass.type())) {
                return;
            }
        }
        if (!list.isEmpty() && !allowSeveral) {
            throw new IllegalArgumentException("'" + modelClass.configClass().getName() + "' is already used by "
                    + list.get(0).type().getName() + " in " + task.autoClassName() + "; cannot register "
                    + modelClass.type().getName());
        }
        list.add(modelClass);
        LOG.info("Registered {} for {} with {}", modelClass.type().getName(), task.autoClassName(),
                modelClass.configClass().getSimpleName());
    }

    /** Registers a whole family: its config class and its model classes. */
    public synchronized void registerFamily(ModelFamily family) {
        registerConfig(family.modelType(), family.configClass());
        family.modelClasses().forEach((task, classes) -> {
            for (ModelClass<?> modelClass : classes) {
                if (!modelClass.configClass().equals(family.configClass())) {
                    throw new IllegalArgumentException("Family '" + family.modelType() + "' lists "
                            + modelClass.name() + " with config " + modelClass.configClass().getName()
                            + " instead of " + family.configClass().getName());
                }
                registerModel(task, modelClass, true);
            }
        });
    }

    /** The config class for {@code modelType}, discovering families again on a miss; null if unknown. */
    public Class<? extends PretrainedConfig> configClass(String modelType) {
        Class<? extends PretrainedConfig> found;
        synchronized (this) {
            found = configs.get(modelType);
        }
        if (found == null) {
            discover(Thread.currentThread().getContextClassLoader());
            synchronized (this) {
                found = configs.get(modelType);
            }
        }
        return found;
    }

    /** Registered model types, sorted. */
    public synchronized List<String> modelTypes() {
        return List.copyOf(configs.keySet());
    }

    /**
     * Picks the model class for {@code config} and {@code task}: the one named in the config's
     * {@code architectures} when several are registered, else the first.
     *
     * @throws IllegalArgumentException if the task has no class for this config
     */
    public ModelClass<?> modelClass(AutoTask task, PretrainedConfig config) {
        List<ModelClass<?>> candidates = candidates(task, config.getClass());
        if (candidates.isEmpty()) {
            discover(Thread.currentThread().getContextClassLoader());
            candidates = candidates(task, config.getClass());
        }
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("Unrecognized configuration class " + config.getClass().getName()
                    + " (model_type '" + config.modelType() + "') for " + task.autoClassName()
                    + ". Model types with a " + task.autoClassName() + " class: " + modelTypesFor(task)
                    + ". Register one with " + task.autoClassName() + ".register(configClass, modelClass).");
        }
        for (String architecture : config.architectures()) {
            for (ModelClass<?> candidate : candidates) {
                if (candidate.name().equals(architecture)) {
                    return candidate;
                }
            }
        }
        return candidates.get(0);
    }

    private synchronized List<ModelClass<?>> candidates(AutoTask task, Class<?> configClass) {
        List<ModelClass<?>> list = models.get(task).get(configClass);
        return list == null ? List.of() : List.copyOf(list);
    }

    private synchronized List<String> modelTypesFor(AutoTask task) {
        List<String> types = new ArrayList<>();
        configs.forEach((type, configClass) -> {
            if (models.get(task).containsKey(configClass)) {
                types.add(type);
            }
        });
        return Collections.unmodifiableList(types);
    }

    /** Loads every {@link ModelFamily} that {@code loader} can see; known families are skipped. */
    public void discover(ClassLoader loader) {
        ServiceLoader<ModelFamily> families = ServiceLoader.load(ModelFamily.class,
                loader != null ? loader : ModelRegistry.class.getClassLoader());
        try {
            for (ModelFamily family : families) {
                registerFamily(family);
            }
        } catch (ServiceConfigurationError e) {
            LOG.error("A model family listed in META-INF/services/{} could not be loaded: {}",
                    ModelFamily.class.getName(), e.getMessage());
            throw new IllegalStateException("Failed to load a model family: " + e.getMessage(), e);
        }
    }

    private void discoverOnce() {
        synchronized (this) {
            if (discovered) {
                return;
            }
            discovered = true;
        }
        discover(ModelRegistry.class.getClassLoader());
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != ModelRegistry.class.getClassLoader()) {
            discover(context);
        }
    }

    private static PretrainedConfig newConfig(Class<? extends PretrainedConfig> configClass) {
        try {
            return configClass.getDeclaredConstructor().newInstance();
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException
                | InvocationTargetException e) {
            throw new IllegalArgumentException("Config class " + configClass.getName()
                    + " needs a public no-argument constructor that sets its defaults", e);
        }
    }
}
