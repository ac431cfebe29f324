package dev.sparkformers.modeling;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.nn.Module;
import dev.sparkformers.nn.Parameter;
import dev.sparkformers.nn.Scopes;
import dev.sparkformers.runtime.DjlRuntime;
import dev.sparkformers.safetensors.Checkpoints;
import dev.sparkformers.safetensors.SafetensorsWriter;
import dev.sparkformers.safetensors.TensorData;
import dev.sparkformers.safetensors.TensorSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Base class of models loaded from HuggingFace checkpoints, after HuggingFace's
 * {@code PreTrainedModel}: a parameter tree named with the checkpoint's keys, loading with a
 * report of missing, unexpected, mismatched and tied keys, and saving that HuggingFace reads back.
 *
 * <p>A model owns its weights: {@link #close()} releases them. Forward calls may run concurrently
 * from several threads, since they only read the weights; each call releases its intermediate
 * arrays before it returns.
 *
 * @param <C> the configuration class
 */
public abstract class PreTrainedModel<C extends PretrainedConfig> extends Module implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PreTrainedModel.class);

    static {
        DjlRuntime.ensureOffline();
    }

    private final C config;
    private NDManager manager;
    private DataType dtype;
    private LoadReport loadReport;

    protected PreTrainedModel(C config) {
        this.config = config;
    }

    /** The model's configuration. */
    public C config() {
        return config;
    }

    /**
     * Name of the base-model attribute in head models ({@code bert} for BERT, {@code transformer}
     * for GPT-2); lets a base checkpoint load into a head model and the reverse.
     */
    public abstract String baseModelPrefix();

    /**
     * Regular expressions for tied keys that are left out of saved files, after HuggingFace's
     * {@code _tied_weights_keys}; the other key of each tied pair is written.
     */
    protected List<String> tiedWeightsKeys() {
        return List.of();
    }

    /** Patterns of missing keys that are expected and not reported ({@code _keys_to_ignore_on_load_missing}). */
    protected List<String> keysToIgnoreOnLoadMissing() {
        return List.of();
    }

    /** Patterns of unexpected keys that are not reported ({@code _keys_to_ignore_on_load_unexpected}). */
    protected List<String> keysToIgnoreOnLoadUnexpected() {
        return List.of();
    }

    /**
     * Names of the inputs the model reads, HuggingFace's {@code model_input_names}: pipelines pass
     * {@code token_type_ids} only to models that list it (GPT-2, for one, would add them to its
     * embeddings).
     */
    public List<String> modelInputNames() {
        return List.of("input_ids", "attention_mask");
    }

    /** Standard deviation of the normal initialisation, the config's {@code initializer_range} (default 0.02). */
    protected double initializerRange() {
        var value = config.get("initializer_range");
        return value.isNumber() ? value.doubleValue() : 0.02;
    }

    /**
     * Runs the model on {@code inputs}. Subclasses narrow the return type ({@code BertModel}
     * returns {@link BaseModelOutputWithPooling}); callers that hold a model from the Auto classes
     * read fields by name, for example {@code forward(inputs).get("logits")}.
     */
    public abstract ModelOutput forward(ModelInputs inputs);

    /** What the last load found; for a model built from a config, every key is listed as missing. */
    public LoadReport loadReport() {
        if (loadReport == null) {
            throw new IllegalStateException("Model has not been loaded or initialised");
        }
        return loadReport;
    }

    /** The manager that owns the weights. */
    public NDManager manager() {
        if (manager == null) {
            throw new IllegalStateException("Model has not been loaded or initialised");
        }
        return manager;
    }

    /** The device the weights live on. */
    public Device device() {
        return manager().getDevice();
    }

    /**
     * The floating-point type of the weights and of the hidden states, HuggingFace's
     * {@code model.dtype}: float32, or float16 when the model was loaded with
     * {@link TorchDtype#FLOAT16} on a GPU.
     */
    public DataType dtype() {
        if (dtype == null) {
            throw new IllegalStateException("Model has not been loaded or initialised");
        }
        return dtype;
    }

    // ---------------------------------------------------------------- loading

    /**
     * Loads a model of type {@code M} from a checkpoint directory: reads config.json as
     * {@code configClass}, builds the model and loads model.safetensors (or its shards) into it.
     *
     * @param constructor builds the model from its config, for example {@code BertModel::new}
     */
    public static <C extends PretrainedConfig, M extends PreTrainedModel<?>> M fromPretrained(Path directory,
            Class<C> configClass, Function<? super C, M> constructor, LoadOptions options) throws IOException {
        C config = PretrainedConfig.fromPretrained(directory, configClass);
        return fromPretrained(directory, config, constructor, options);
    }

    /** Loads the checkpoint in {@code directory} into a model built from {@code config}. */
    public static <C extends PretrainedConfig, M extends PreTrainedModel<?>> M fromPretrained(Path directory,
            C config, Function<? super C, M> constructor, LoadOptions options) throws IOException {
        ModelSizeCheck.checkConfig(config, options);
        M model = constructor.apply(config);
        try (TensorSource source = Checkpoints.open(directory)) {
            model.loadWeights(source, directory.toString(), options);
            model.loadAuxiliaryFiles(directory);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * Builds a model from {@code config} with every weight initialised as HuggingFace's
     * {@code _init_weights} does, seeded by {@link LoadOptions#seed()}.
     */
    public static <C extends PretrainedConfig, M extends PreTrainedModel<?>> M fromConfig(C config,
            Function<? super C, M> constructor, LoadOptions options) {
        ModelSizeCheck.checkConfig(config, options);
        M model = constructor.apply(config);
        try {
            model.initializeWeights(options);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * Loads weights from {@code source} into this model, following HuggingFace's rules for the
     * base-model prefix, tied weights and ignored keys, and records the {@link #loadReport()}.
     *
     * @param sourceName the checkpoint's location, for messages and the report
     * @throws IOException if a tensor's shape disagrees and sizes may not be ignored, if
     *     {@link LoadOptions#strict()} is set and a key is missing, or if a file is malformed
     */
    public void loadWeights(TensorSource source, String sourceName, LoadOptions options) throws IOException {
        loadWith(sourceName, options, () -> CheckpointLoader.load(this, source, sourceName, options));
    }

    /**
     * Creates the manager of the weights, runs {@code loader} to fill them, and records and logs
     * its report. Loaders in this package that read other layouts than HuggingFace's use it.
     */
    void loadWith(String sourceName, LoadOptions options, WeightLoader loader) throws IOException {
        if (manager != null) {
            throw new IllegalStateException("Model is already loaded; load a new instance instead");
        }
        ModelSizeCheck.checkParameters(this, options);
        TorchDtype resolved = resolveDtype(options);
        long start = System.nanoTime();
        manager = NDManager.newBaseManager(options.device(), "PyTorch");
        loadReport = loader.load();
        castParameters(resolved.dataType());
        LOG.info("Loaded {} from {} in {} ms on {} in {}: {} missing, {} unexpected, {} mismatched keys",
                getClass().getSimpleName(), sourceName, (System.nanoTime() - start) / 1_000_000, options.device(),
                resolved.configName(),
                loadReport.missingKeys().size(), loadReport.unexpectedKeys().size(),
                loadReport.mismatchedKeys().size());
        if (!loadReport.missingKeys().isEmpty()) {
            LOG.warn("Some weights of {} were not in {} and were initialised randomly (seed {}): {}",
                    getClass().getSimpleName(), sourceName, options.seed(), loadReport.missingKeys());
        }
        if (!loadReport.unexpectedKeys().isEmpty()) {
            LOG.info("Some weights of {} were not used by {}: {}", sourceName, getClass().getSimpleName(),
                    loadReport.unexpectedKeys());
        }
    }

    /**
     * Reads the files of a checkpoint directory besides config.json and the weights that this
     * class uses, such as a generative model's {@code generation_config.json}. {@code fromPretrained}
     * calls it after loading the weights; the default reads nothing.
     */
    protected void loadAuxiliaryFiles(Path directory) throws IOException {}

    /**
     * Writes the files that {@link #loadAuxiliaryFiles} reads; {@link #savePretrained} calls it
     * after writing the config and the weights. The default writes nothing.
     */
    protected void saveAuxiliaryFiles(Path directory) throws IOException {}

    /** A loading procedure that fills the parameters and reports what it found. */
    @FunctionalInterface
    interface WeightLoader {
        LoadReport load() throws IOException;
    }

    /** Initialises every weight without a checkpoint. */
    public void initializeWeights(LoadOptions options) {
        if (manager != null) {
            throw new IllegalStateException("Model is already loaded; build a new instance instead");
        }
        ModelSizeCheck.checkParameters(this, options);
        TorchDtype resolved = resolveDtype(options);
        manager = NDManager.newBaseManager(options.device(), "PyTorch");
        Map<Parameter, String> seen = new IdentityHashMap<>();
        namedParameters().forEach((name, parameter) -> {
            if (seen.putIfAbsent(parameter, name) == null) {
                parameter.set(WeightInitializer.initialize(manager, name, parameter, initializerRange(), options.seed()));
            }
        });
        castParameters(resolved.dataType());
        loadReport = LoadReport.initialised(List.copyOf(namedParameters().keySet()), CheckpointLoader.tiedGroups(this));
    }

    /**
     * Resolves {@link TorchDtype#AUTO} against this model's config and checks that the device can
     * run the result, before any weight is allocated.
     */
    private TorchDtype resolveDtype(LoadOptions options) {
        TorchDtype resolved = options.dtype().resolve(config.torchDtype(), options.device());
        resolved.checkDevice(options.device());
        return resolved;
    }

    /**
     * Converts the floating-point weights to {@code type}, one tensor at a time, and records the
     * model's {@link #dtype()}. Loaders fill float32 arrays, so loading needs the float32 model's
     * memory on the device at its peak. Tied parameters share one array, which is converted once.
     */
    private void castParameters(DataType type) {
        dtype = type;
        if (type == DataType.FLOAT32) {
            return;
        }
        Map<NDArray, NDArray> converted = new IdentityHashMap<>();
        for (Parameter parameter : namedParameters().values()) {
            NDArray weights = parameter.array();
            if (!weights.getDataType().isFloating() || weights.getDataType() == type) {
                continue;
            }
            NDArray cast = converted.get(weights);
            if (cast == null) {
                cast = weights.toType(type, false);
                NDScope.unregister(cast);
                cast.attach(manager);
                cast.setName(weights.getName());
                converted.put(weights, cast);
                weights.close();
            }
            parameter.set(cast);
        }
    }

    // ---------------------------------------------------------------- saving

    /**
     * Writes {@code config.json}, {@code model.safetensors} and the class's auxiliary files into
     * {@code directory}, with each tied weight stored once, as HuggingFace's {@code save_pretrained}
     * does. The config records this class as its architecture.
     */
    public void savePretrained(Path directory) throws IOException {
        Files.createDirectories(directory);
        config.setArchitectures(List.of(getClass().getSimpleName()));
        config.setTorchDtype("float32");
        config.savePretrained(directory);
        SafetensorsWriter.write(directory.resolve(Checkpoints.SAFETENSORS_FILE), stateDictForSaving());
        saveAuxiliaryFiles(directory);
        LOG.info("Saved {} to {}", getClass().getSimpleName(), directory);
    }

    /** The tensors {@link #savePretrained} writes: every persistent key, tied duplicates removed. */
    public Map<String, TensorData> stateDictForSaving() {
        Map<String, Parameter> named = namedParameters();
        Map<Parameter, List<String>> groups = new IdentityHashMap<>();
        named.forEach((name, parameter) -> groups.computeIfAbsent(parameter, p -> new ArrayList<>()).add(name));

        List<Pattern> tiedPatterns = tiedWeightsKeys().stream().map(Pattern::compile).toList();
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> entry : named.entrySet()) {
            List<String> group = groups.get(entry.getValue());
            if (group.size() > 1 && isDroppedDuplicate(entry.getKey(), group, tiedPatterns)) {
                continue;
            }
            tensors.put(entry.getKey(), TensorArrays.toTensorData(entry.getValue().array()));
        }
        return tensors;
    }

    /**
     * Whether {@code name} is left out of a saved file: like HuggingFace, drop the names of a tied
     * group that match a tied-weights pattern, in sorted order, while at least one name remains;
     * when no pattern matches, keep only the first name.
     */
    private static boolean isDroppedDuplicate(String name, List<String> group, List<Pattern> tiedPatterns) {
        List<String> sorted = group.stream().sorted().toList();
        List<String> dropped = new ArrayList<>();
        for (String candidate : sorted) {
            boolean matches = tiedPatterns.stream().anyMatch(p -> p.matcher(candidate).find());
            if (matches && dropped.size() + 1 < group.size()) {
                dropped.add(candidate);
            }
        }
        if (dropped.isEmpty()) {
            return !name.equals(group.get(0));
        }
        return dropped.contains(name);
    }

    // ---------------------------------------------------------------- helpers for forward code

    /**
     * Runs a top-level forward pass: every intermediate array is released when it returns, and
     * the output's arrays are attached to the manager of {@code inputs.inputIds()}.
     */
    protected static <O extends ModelOutput> O runForward(ModelInputs inputs, Supplier<O> body) {
        O output = Scopes.keep(body, ModelOutput::arrays);
        output.attach(inputs.inputIds().getManager());
        return output;
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
