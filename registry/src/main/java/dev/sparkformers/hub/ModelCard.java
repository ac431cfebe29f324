package dev.sparkformers.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.safetensors.Checkpoints;
import dev.sparkformers.safetensors.TensorInfo;
import dev.sparkformers.safetensors.TensorSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A HuggingFace-style model card: the {@code README.md} of a checkpoint directory, with YAML front
 * matter that the Hub reads as metadata ({@code library_name}, {@code tags}, {@code pipeline_tag},
 * {@code base_model}, {@code license}) and a short Markdown body that gives the architecture, the
 * parameter count, the files and how to load the checkpoint with Sparkformers and with Python
 * transformers.
 *
 * <p>Everything except {@link ModelCardData} comes from the directory: {@code config.json} gives
 * {@code model_type} and {@code architectures}, {@code modules.json} marks a sentence-transformers
 * checkpoint, and the safetensors header gives the parameter count without reading the weights.
 */
public final class ModelCard {

    /** File name of a model card in a checkpoint directory. */
    public static final String FILE_NAME = "README.md";

    /** The {@code library_name} of checkpoints this class describes. */
    public static final String LIBRARY_NAME = "sparkformers";

    private static final String SENTENCE_TRANSFORMERS_FILE = "modules.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    private final Map<String, Object> metadata;
    private final String body;

    private ModelCard(Map<String, Object> metadata, String body) {
        this.metadata = metadata;
        this.body = body;
    }

    /**
     * Describes the checkpoint in {@code directory}.
     *
     * @throws NoSuchFileException if the directory has no {@code config.json}
     * @throws IOException if {@code config.json} is not a JSON object, or a file cannot be read
     */
    public static ModelCard fromCheckpoint(Path directory, ModelCardData data) throws IOException {
        Path configFile = directory.resolve(PretrainedConfig.CONFIG_NAME);
        if (!Files.isRegularFile(configFile)) {
            throw new NoSuchFileException(configFile.toString(), null, "a model card describes a HuggingFace"
                    + " checkpoint directory, which has config.json; pass the directory that holds it");
        }
        JsonNode config = JSON.readTree(configFile.toFile());
        if (config == null || !config.isObject()) {
            throw new IOException(configFile + " is not a JSON object, so it is not a HuggingFace config");
        }

        String modelType = config.path("model_type").isTextual() ? config.get("model_type").asText() : null;
        String architecture = config.path("architectures").path(0).isTextual()
                ? config.get("architectures").get(0).asText() : null;
        boolean sentenceTransformers = Files.isRegularFile(directory.resolve(SENTENCE_TRANSFORMERS_FILE));
        Optional<PipelineTag> task = PipelineTag.of(architecture, sentenceTransformers);
        Map<String, Long> files = listFiles(directory);
        Long parameters = parameterCount(directory);

        Map<String, Object> metadata = metadata(data, modelType, task, sentenceTransformers,
                files.keySet().stream().anyMatch(name -> name.endsWith(".safetensors")));
        String location = data.location() != null ? data.location() : directory.toString();
        String body = new ModelCardBody(location, modelType, architecture, task, sentenceTransformers, parameters,
                files, data).render();
        return new ModelCard(metadata, body);
    }

    /** Returns the front matter's fields in the order they are written. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** Returns the card as Markdown: the YAML front matter between {@code ---} lines, then the body. */
    public String toMarkdown() {
        try {
            return "---\n" + YAML.writeValueAsString(metadata) + "---\n\n" + body;
        } catch (JsonProcessingException e) {
            // Only strings and lists of strings go into the map, which always serialise.
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the card to {@code README.md} in {@code directory}, replacing any card there. */
    public Path save(Path directory) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        Files.writeString(file, toMarkdown(), StandardCharsets.UTF_8);
        return file;
    }

    private static Map<String, Object> metadata(ModelCardData data, String modelType, Optional<PipelineTag> task,
            boolean sentenceTransformers, boolean safetensors) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("library_name", LIBRARY_NAME);
        if (data.license() != null) {
            metadata.put("license", data.license());
        }
        if (data.baseModel() != null) {
            metadata.put("base_model", data.baseModel());
        }
        task.ifPresent(tag -> metadata.put("pipeline_tag", tag.tag()));

        List<String> tags = new ArrayList<>();
        tags.add(LIBRARY_NAME);
        if (modelType != null) {
            tags.add(modelType);
        }
        if (sentenceTransformers) {
            tags.add("sentence-transformers");
        }
        if (safetensors) {
            tags.add("safetensors");
        }
        task.ifPresent(tag -> tags.add(tag.tag()));
        metadata.put("tags", tags);
        return metadata;
    }

    /**
     * Relative path and size of every file the card lists: all regular files except the card
     * itself and Hadoop's hidden files (names starting with {@code _} or {@code .}, such as a
     * {@code _SUCCESS} marker).
     */
    private static Map<String, Long> listFiles(Path directory) throws IOException {
        Map<String, Long> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            List<Path> paths = walk.filter(Files::isRegularFile).sorted().toList();
            for (Path path : paths) {
                String name = directory.relativize(path).toString().replace('\\', '/');
                boolean hidden = path.getFileName().toString().startsWith("_")
                        || path.getFileName().toString().startsWith(".");
                if (!hidden && !name.equals(FILE_NAME)) {
                    files.put(name, Files.size(path));
                }
            }
        }
        return files;
    }

    /**
     * Counts the weight elements in the safetensors files, which store each tied weight once, so the
     * count matches HuggingFace's {@code num_parameters()}. Returns null when the directory has no
     * safetensors weights.
     */
    private static Long parameterCount(Path directory) throws IOException {
        TensorSource source;
        try {
            source = Checkpoints.open(directory);
        } catch (NoSuchFileException e) {
            return null;
        }
        try (source) {
            long count = 0;
            for (TensorInfo tensor : source.tensors().values()) {
                count += tensor.elementCount();
            }
            return count;
        }
    }

    /** Formats a parameter count as model cards write it: {@code 22.7M}, {@code 1.3B}, or the plain number below 1000. */
    static String shortCount(long count) {
        if (count >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1fB", count / 1e9);
        }
        if (count >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1fM", count / 1e6);
        }
        if (count >= 1_000L) {
            return String.format(Locale.ROOT, "%.1fK", count / 1e3);
        }
        return Long.toString(count);
    }
}
