package dev.sparkformers.modeling;

import dev.sparkformers.nn.Parameter;
import dev.sparkformers.safetensors.TensorInfo;
import dev.sparkformers.safetensors.TensorSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Loads checkpoint tensors into a model's parameters with HuggingFace's key rules.
 *
 * <p>Keys are compared in the checkpoint's naming. When the checkpoint has no key under the
 * model's base prefix but the model expects some (a {@code BertModel} file into
 * {@code BertForMaskedLM}), the prefix is removed from the model's keys; in the opposite case (a
 * {@code BertForMaskedLM} file into {@code BertModel}) it is added. A missing key whose tied
 * partner is present is not missing. Non-persistent buffers found in the file are not unexpected.
 */
final class CheckpointLoader {

    private CheckpointLoader() {}

    static LoadReport load(PreTrainedModel<?> model, TensorSource source, String sourceName, LoadOptions options)
            throws IOException {
        Map<String, Parameter> parameters = model.namedParameters();
        Map<String, TensorInfo> tensors = source.tensors();
        KeyMapping mapping = KeyMapping.of(model.baseModelPrefix(), parameters.keySet(), tensors.keySet());

        // Expected keys in the checkpoint's naming, in the model's order.
        Map<String, String> modelKeyByFileKey = new LinkedHashMap<>();
        for (String modelKey : parameters.keySet()) {
            modelKeyByFileKey.put(mapping.toFileKey(modelKey), modelKey);
        }
        Set<String> buffers = new LinkedHashSet<>();
        for (String buffer : model.namedBuffers()) {
            buffers.add(mapping.toFileKey(buffer));
        }

        Set<String> missing = new TreeSet<>(modelKeyByFileKey.keySet());
        missing.removeAll(tensors.keySet());
        Set<String> unexpected = new TreeSet<>(tensors.keySet());
        unexpected.removeAll(modelKeyByFileKey.keySet());
        unexpected.removeAll(buffers);
        removeMatching(missing, model.keysToIgnoreOnLoadMissing());
        removeMatching(unexpected, model.keysToIgnoreOnLoadUnexpected());

        List<LoadReport.MismatchedKey> mismatched = findMismatched(model, parameters, tensors, modelKeyByFileKey,
                sourceName, options);
        Set<String> mismatchedKeys = new LinkedHashSet<>();
        mismatched.forEach(m -> mismatchedKeys.add(m.key()));

        List<List<String>> tiedGroups = tiedGroups(model);
        for (List<String> group : tiedGroups) {
            List<String> fileKeys = group.stream().map(mapping::toFileKey).toList();
            long missingInGroup = fileKeys.stream().filter(missing::contains).count();
            if (missingInGroup > 0 && missingInGroup < fileKeys.size()) {
                fileKeys.forEach(missing::remove);
            }
        }

        if (options.strict() && !missing.isEmpty()) {
            throw new IOException("Strict load of " + model.getClass().getSimpleName() + " from " + sourceName
                    + " failed: the checkpoint lacks " + missing + ". Load without strict to initialise them.");
        }

        fillParameters(model, source, parameters, mapping, tensors.keySet(), mismatchedKeys, options);
        return new LoadReport(sourceName, List.copyOf(missing), List.copyOf(unexpected), mismatched, tiedGroups);
    }

    /** Groups of model keys that share one {@link Parameter}, in state-dict order. */
    static List<List<String>> tiedGroups(PreTrainedModel<?> model) {
        Map<Parameter, List<String>> byParameter = new IdentityHashMap<>();
        List<Parameter> order = new ArrayList<>();
        model.namedParameters().forEach((name, parameter) -> {
            if (!byParameter.containsKey(parameter)) {
                order.add(parameter);
            }
            byParameter.computeIfAbsent(parameter, p -> new ArrayList<>()).add(name);
        });
        return order.stream().map(byParameter::get).filter(names -> names.size() > 1).map(List::copyOf).toList();
    }

    private static List<LoadReport.MismatchedKey> findMismatched(PreTrainedModel<?> model,
            Map<String, Parameter> parameters, Map<String, TensorInfo> tensors, Map<String, String> modelKeyByFileKey,
            String sourceName, LoadOptions options) throws IOException {
        List<LoadReport.MismatchedKey> mismatched = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, String> entry : modelKeyByFileKey.entrySet()) {
            TensorInfo info = tensors.get(entry.getKey());
            if (info == null) {
                continue;
            }
            if (!info.dtype().isFloatingPoint()) {
                throw new IOException(sourceName + ": tensor '" + entry.getKey() + "' has dtype " + info.dtype()
                        + ", but " + model.getClass().getSimpleName() + " expects floating-point weights there");
            }
            long[] expected = parameters.get(entry.getValue()).shape().getShape();
            if (!Arrays.equals(expected, info.shape())) {
                mismatched.add(new LoadReport.MismatchedKey(entry.getKey(), boxed(info.shape()), boxed(expected)));
                errors.add("size mismatch for " + entry.getKey() + ": copying a param with shape "
                        + Arrays.toString(info.shape()) + " from checkpoint, the shape in current model is "
                        + Arrays.toString(expected));
            }
        }
        if (!errors.isEmpty() && !options.ignoreMismatchedSizes()) {
            throw new IOException("Error(s) in loading " + sourceName + " into " + model.getClass().getSimpleName()
                    + ":\n\t" + String.join("\n\t", errors)
                    + "\n\tUse a matching config, or set ignoreMismatchedSizes to initialise these weights instead.");
        }
        return mismatched;
    }

    private static void fillParameters(PreTrainedModel<?> model, TensorSource source,
            Map<String, Parameter> parameters, KeyMapping mapping, Set<String> fileKeys, Set<String> mismatched,
            LoadOptions options) throws IOException {
        // A tied parameter is filled once, from the first of its names that the file provides.
        Map<Parameter, String> fileKeyByParameter = new IdentityHashMap<>();
        Map<Parameter, String> nameByParameter = new IdentityHashMap<>();
        List<Parameter> order = new ArrayList<>();
        parameters.forEach((modelKey, parameter) -> {
            if (!nameByParameter.containsKey(parameter)) {
                order.add(parameter);
                nameByParameter.put(parameter, modelKey);
            }
            String fileKey = mapping.toFileKey(modelKey);
            if (!fileKeyByParameter.containsKey(parameter) && fileKeys.contains(fileKey)
                    && !mismatched.contains(fileKey)) {
                fileKeyByParameter.put(parameter, fileKey);
            }
        });

        for (Parameter parameter : order) {
            String fileKey = fileKeyByParameter.get(parameter);
            if (fileKey != null) {
                TensorInfo info = source.tensors().get(fileKey);
                var array = TensorArrays.toFloatArray(model.manager(), info.dtype(), info.shape(), source.map(fileKey),
                        source.fileOffset(fileKey), options.device());
                array.setName(fileKey);
                parameter.set(array);
            } else {
                parameter.set(WeightInitializer.initialize(model.manager(), nameByParameter.get(parameter), parameter,
                        model.initializerRange(), options.seed()));
            }
        }
    }

    private static void removeMatching(Set<String> keys, List<String> patterns) {
        for (String pattern : patterns) {
            Pattern compiled = Pattern.compile(pattern);
            keys.removeIf(key -> compiled.matcher(key).find());
        }
    }

    private static List<Long> boxed(long[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    /** Spelling of a model key in the checkpoint: prefix added, removed or kept. */
    private record KeyMapping(String prefix, boolean removePrefix, boolean addPrefix) {

        static KeyMapping of(String basePrefix, Set<String> modelKeys, Set<String> fileKeys) {
            if (basePrefix == null || basePrefix.isEmpty()) {
                return new KeyMapping("", false, false);
            }
            String prefix = basePrefix + ".";
            boolean fileHasPrefix = fileKeys.stream().anyMatch(k -> k.startsWith(prefix));
            boolean modelHasPrefix = modelKeys.stream().anyMatch(k -> k.startsWith(prefix));
            return new KeyMapping(prefix, !fileHasPrefix && modelHasPrefix, fileHasPrefix && !modelHasPrefix);
        }

        String toFileKey(String modelKey) {
            if (removePrefix && modelKey.startsWith(prefix)) {
                return modelKey.substring(prefix.length());
            }
            if (addPrefix) {
                return prefix + modelKey;
            }
            return modelKey;
        }
    }
}
