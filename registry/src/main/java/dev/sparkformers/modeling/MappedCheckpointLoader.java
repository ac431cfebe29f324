package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

import dev.sparkformers.nn.Parameter;
import dev.sparkformers.safetensors.TensorInfo;
import dev.sparkformers.safetensors.TensorSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Loads checkpoint tensors into a model through a {@link WeightMapping}.
 *
 * <p>It first plans every copy from the tensor headers alone (which model weight each tensor or
 * part fills, and with which shape), so that a wrong mapping or a strict load fails before any
 * data is read. Then it reads each tensor, splits and transposes it as its rule specifies, and
 * copies the parts into arrays the model owns. A tensor that needs no change is used as loaded,
 * as {@link CheckpointLoader} does. Ties are resolved after the rules, and weights that nothing
 * filled are initialised like missing keys.
 */
final class MappedCheckpointLoader {

    private static final Logger LOG = LoggerFactory.getLogger(MappedCheckpointLoader.class);

    private MappedCheckpointLoader() {}

    /**
     * One planned copy: part {@code part} of checkpoint tensor {@code source} into model weight {@code target}.
     *
     * @param shape the part's shape after the rule's split and transpose
     */
    private record Copy(String source, WeightMapping.Rule rule, int part, String target, long[] shape) {}

    static LoadReport load(PreTrainedModel<?> model, TensorSource source, String sourceName, WeightMapping mapping,
            LoadOptions options) throws IOException {
        Map<String, Parameter> parameters = model.namedParameters();
        Map<String, TensorInfo> tensors = source.tensors();

        List<Copy> copies = new ArrayList<>();
        TreeSet<String> unexpected = new TreeSet<>();
        plan(model, mapping, parameters, tensors, sourceName, copies, unexpected);

        List<LoadReport.MismatchedKey> mismatched = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Map<Parameter, Copy> copyByParameter = new IdentityHashMap<>();
        Map<Parameter, String> mismatchedParameters = new IdentityHashMap<>();
        for (Copy copy : copies) {
            Parameter parameter = parameters.get(copy.target());
            Copy earlier = copyByParameter.putIfAbsent(parameter, copy);
            if (earlier != null) {
                throw new IOException(sourceName + ": model weight '" + copy.target() + "' is mapped from both '"
                        + earlier.source() + "' and '" + copy.source() + "'; fix the weight mapping");
            }
            long[] expected = parameter.shape().getShape();
            if (!Arrays.equals(expected, copy.shape())) {
                copyByParameter.remove(parameter);
                mismatchedParameters.put(parameter, copy.target());
                mismatched.add(new LoadReport.MismatchedKey(copy.source(), boxed(copy.shape()), boxed(expected)));
                errors.add("size mismatch for " + copy.target() + " (from " + copy.source() + "): the mapped tensor "
                        + "has shape " + Arrays.toString(copy.shape()) + ", the shape in current model is "
                        + Arrays.toString(expected));
            }
        }
        if (!errors.isEmpty() && !options.ignoreMismatchedSizes()) {
            throw new IOException("Error(s) in loading " + sourceName + " into " + model.getClass().getSimpleName()
                    + " through a weight mapping:\n\t" + String.join("\n\t", errors)
                    + "\n\tCheck the rule's split and transpose, or set ignoreMismatchedSizes to initialise these "
                    + "weights instead.");
        }

        Map<Parameter, String> filledFrom = new IdentityHashMap<>();
        copyByParameter.forEach((parameter, copy) -> filledFrom.put(parameter, copy.source()));
        Map<Parameter, String> tiedTo = resolveTies(mapping, parameters, filledFrom, sourceName);
        // Mismatched weights are reported as such, not as missing, as HuggingFace does.
        Map<Parameter, String> accountedFor = new IdentityHashMap<>(filledFrom);
        accountedFor.putAll(mismatchedParameters);
        List<String> missing = missingKeys(parameters, accountedFor, tiedTo);
        if (options.strict() && !missing.isEmpty()) {
            throw new IOException("Strict load of " + model.getClass().getSimpleName() + " from " + sourceName
                    + " failed: no mapping rule fills " + missing + ". Add rules for them or load without strict.");
        }

        fill(model, source, copyByParameter, options);
        tiedTo.forEach((parameter, sharedName) -> parameter.set(parameters.get(sharedName).array()));
        initializeMissing(model, parameters, options);
        return new LoadReport(sourceName, missing, List.copyOf(unexpected), mismatched,
                CheckpointLoader.tiedGroups(model));
    }

    /** Lists the copies that every matched tensor needs and the tensors that no rule covers. */
    private static void plan(PreTrainedModel<?> model, WeightMapping mapping, Map<String, Parameter> parameters,
            Map<String, TensorInfo> tensors, String sourceName, List<Copy> copies, TreeSet<String> unexpected)
            throws IOException {
        for (Map.Entry<String, TensorInfo> tensor : tensors.entrySet()) {
            String name = tensor.getKey();
            Optional<WeightMapping.Match> match = mapping.match(name);
            if (match.isEmpty()) {
                if (!mapping.isIgnored(name)) {
                    unexpected.add(name);
                }
                continue;
            }
            TensorInfo info = tensor.getValue();
            if (!info.dtype().isFloatingPoint()) {
                throw new IOException(sourceName + ": tensor '" + name + "' has dtype " + info.dtype() + ", but "
                        + model.getClass().getSimpleName() + " expects floating-point weights there");
            }
            WeightMapping.Rule rule = match.get().rule();
            long[] partShape = partShape(name, info.shape(), rule, sourceName);

            List<String> absent = match.get().targets().stream().filter(t -> !parameters.containsKey(t)).toList();
            if (!absent.isEmpty()) {
                LOG.warn("{}: tensor {} maps to {}, which {} does not have; it is not used", sourceName, name, absent,
                        model.getClass().getSimpleName());
                unexpected.add(name);
                continue;
            }
            List<String> targets = match.get().targets();
            for (int part = 0; part < targets.size(); part++) {
                copies.add(new Copy(name, rule, part, targets.get(part), partShape));
            }
        }
    }

    /** Returns the shape of each part after the rule's split and transpose. */
    private static long[] partShape(String name, long[] shape, WeightMapping.Rule rule, String sourceName)
            throws IOException {
        long[] part = shape.clone();
        int parts = rule.targets().size();
        if (rule.splitDimension() >= 0) {
            int dimension = rule.splitDimension();
            if (dimension >= shape.length || shape[dimension] % parts != 0) {
                throw new IOException(sourceName + ": tensor '" + name + "' of shape " + Arrays.toString(shape)
                        + " cannot be split into " + parts + " equal parts along dimension " + dimension
                        + "; fix the rule for '" + rule.source() + "'");
            }
            part[dimension] = shape[dimension] / parts;
        }
        if (rule.transpose()) {
            if (part.length != 2) {
                throw new IOException(sourceName + ": tensor '" + name + "' has shape " + Arrays.toString(shape)
                        + ", but only 2-D tensors can be transposed; fix the rule for '" + rule.source() + "'");
            }
            part = new long[] {part[1], part[0]};
        }
        return part;
    }

    /** Returns the tied parameters to fill, each with the name of the model weight it shares. */
    private static Map<Parameter, String> resolveTies(WeightMapping mapping, Map<String, Parameter> parameters,
            Map<Parameter, String> filledFrom, String sourceName) throws IOException {
        Map<Parameter, String> tiedTo = new LinkedHashMap<>();
        for (Map.Entry<String, String> tie : mapping.ties().entrySet()) {
            Parameter target = parameters.get(tie.getKey());
            Parameter shared = parameters.get(tie.getValue());
            if (target == null || shared == null) {
                throw new IOException(sourceName + ": the weight mapping ties '" + tie.getKey() + "' to '"
                        + tie.getValue() + "', but the model lacks "
                        + (target == null ? tie.getKey() : tie.getValue()));
            }
            if (!target.shape().equals(shared.shape())) {
                throw new IOException(sourceName + ": the weight mapping ties '" + tie.getKey() + "' " + target.shape()
                        + " to '" + tie.getValue() + "' " + shared.shape() + "; tied weights need the same shape");
            }
            if (target != shared && !filledFrom.containsKey(target) && filledFrom.containsKey(shared)) {
                tiedTo.put(target, tie.getValue());
            }
        }
        return tiedTo;
    }

    /** Returns the model keys, sorted, whose parameter neither a rule nor a tie accounts for. */
    private static List<String> missingKeys(Map<String, Parameter> parameters, Map<Parameter, String> accountedFor,
            Map<Parameter, String> tiedTo) {
        TreeSet<String> missing = new TreeSet<>();
        parameters.forEach((name, parameter) -> {
            if (!accountedFor.containsKey(parameter) && !tiedTo.containsKey(parameter)) {
                missing.add(name);
            }
        });
        return List.copyOf(missing);
    }

    private static void fill(PreTrainedModel<?> model, TensorSource source, Map<Parameter, Copy> copyByParameter,
            LoadOptions options) throws IOException {
        // Group the parts by checkpoint tensor so that each tensor is read once.
        Map<String, List<Map.Entry<Parameter, Copy>>> bySource = new LinkedHashMap<>();
        copyByParameter.entrySet().stream()
                .sorted((a, b) -> Integer.compare(a.getValue().part(), b.getValue().part()))
                .forEach(entry -> bySource.computeIfAbsent(entry.getValue().source(), key -> new ArrayList<>())
                        .add(entry));

        for (Map.Entry<String, List<Map.Entry<Parameter, Copy>>> tensor : bySource.entrySet()) {
            String name = tensor.getKey();
            TensorInfo info = source.tensors().get(name);
            WeightMapping.Rule rule = tensor.getValue().get(0).getValue().rule();
            if (rule.splitDimension() < 0 && !rule.transpose()) {
                NDArray array = TensorArrays.toFloatArray(model.manager(), info.dtype(), info.shape(), source.map(name),
                        source.fileOffset(name), options.device());
                array.setName(tensor.getValue().get(0).getValue().target());
                tensor.getValue().get(0).getKey().set(array);
                continue;
            }
            try (NDManager scratch = model.manager().newSubManager()) {
                NDArray whole = TensorArrays.toFloatArray(scratch, info.dtype(), info.shape(), source.map(name),
                        source.fileOffset(name), options.device());
                NDList parts = rule.splitDimension() >= 0
                        ? whole.split(rule.targets().size(), rule.splitDimension()) : new NDList(whole);
                for (Map.Entry<Parameter, Copy> entry : tensor.getValue()) {
                    NDArray part = parts.get(entry.getValue().part());
                    if (rule.transpose()) {
                        part = part.transpose();
                    }
                    entry.getKey().set(ownedCopy(model.manager(), part, entry.getValue().target()));
                }
            }
        }
    }

    /**
     * Copies a view into a contiguous array owned by {@code manager}, so that it outlives the
     * scratch arrays and the checkpoint mapping it was cut from.
     */
    private static NDArray ownedCopy(NDManager manager, NDArray view, String name) {
        NDArray copy = manager.create(view.toFloatArray(), new Shape(view.getShape().getShape()));
        NDScope.unregister(copy);
        copy.setName(name);
        return copy;
    }

    private static void initializeMissing(PreTrainedModel<?> model, Map<String, Parameter> parameters,
            LoadOptions options) {
        parameters.forEach((name, parameter) -> {
            if (!parameter.isInitialized()) {
                parameter.set(WeightInitializer.initialize(model.manager(), name, parameter, model.initializerRange(),
                        options.seed()));
            }
        });
    }

    private static List<Long> boxed(long[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
