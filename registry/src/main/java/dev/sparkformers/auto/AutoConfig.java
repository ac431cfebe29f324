package dev.sparkformers.auto;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkformers.config.ConfigMapper;
import dev.sparkformers.config.InvalidConfigException;
import dev.sparkformers.config.PretrainedConfig;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a config.json into the config class registered for its {@code model_type}, like
 * HuggingFace's {@code AutoConfig}.
 */
public final class AutoConfig {

    private AutoConfig() {}

    /**
     * Reads {@code config.json} from a checkpoint directory (or the file itself).
     *
     * @throws InvalidConfigException if the file is malformed, has no {@code model_type}, or names
     *     one that is not registered (the message lists the registered types)
     */
    public static PretrainedConfig fromPretrained(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(PretrainedConfig.CONFIG_NAME) : path;
        JsonNode json = ConfigMapper.readObject(file);
        return fromJson(json, file.toString());
    }

    /** Binds a parsed config.json; {@code source} names it in messages. */
    public static PretrainedConfig fromJson(JsonNode json, String source) throws InvalidConfigException {
        JsonNode modelType = json.get("model_type");
        ModelRegistry registry = ModelRegistry.get();
        if (modelType == null || modelType.isNull()) {
            throw new InvalidConfigException(source + " has no model_type. Add \"model_type\" with one of the "
                    + "registered types: " + registry.modelTypes());
        }
        if (!modelType.isTextual()) {
            throw new InvalidConfigException(source + " has model_type " + modelType + ", which is not a string");
        }
        Class<? extends PretrainedConfig> configClass = registry.configClass(modelType.textValue());
        if (configClass == null) {
            throw new InvalidConfigException(source + " has model_type '" + modelType.textValue()
                    + "', which is not registered; registered types: " + registry.modelTypes()
                    + ". Register a config class with AutoConfig.register or a ModelFamily service.");
        }
        return PretrainedConfig.fromJson(json, configClass, source);
    }

    /** A new config of the class registered for {@code modelType}, with its defaults. */
    public static PretrainedConfig forModelType(String modelType) {
        Class<? extends PretrainedConfig> configClass = ModelRegistry.get().configClass(modelType);
        if (configClass == null) {
            throw new IllegalArgumentException("Unrecognized model_type '" + modelType + "'; registered types: "
                    + ModelRegistry.get().modelTypes());
        }
        try {
            return configClass.getDeclaredConstructor().newInstance();
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException
                | InvocationTargetException e) {
            throw new IllegalStateException("Cannot create " + configClass.getName(), e);
        }
    }

    /**
     * Registers a user config class under {@code modelType}; its {@code modelType()} must return
     * the same key. Registering the same class again does nothing.
     */
    public static void register(String modelType, Class<? extends PretrainedConfig> configClass) {
        ModelRegistry.get().registerConfig(modelType, configClass);
    }
}
