package dev.sparkformers.hub;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The Markdown below a {@link ModelCard}'s front matter. */
record ModelCardBody(String location, String modelType, String architecture, Optional<PipelineTag> task,
        boolean sentenceTransformers, Long parameters, Map<String, Long> files, ModelCardData data) {

    /** Characters that a POSIX shell word may contain without quotes. */
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    String render() {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(name()).append("\n\n");
        md.append(summary()).append("\n\n");

        md.append("| Property | Value |\n|---|---|\n");
        row(md, "Architecture", architecture == null ? "not stated in config.json" : code(architecture));
        row(md, "Model type", modelType == null ? "not stated in config.json" : code(modelType));
        row(md, "Task", task.map(tag -> code(tag.tag())).orElse("not known for this architecture"));
        row(md, "Parameters", parameters == null ? "unknown (no safetensors weights)"
                : String.format(Locale.ROOT, "%,d (%s)", parameters, ModelCard.shortCount(parameters)));
        if (data.baseModel() != null) {
            row(md, "Base model", code(data.baseModel()));
        }
        if (data.license() != null) {
            row(md, "License", code(data.license()));
        }
        md.append('\n');

        md.append("## Files\n\n| File | Size (bytes) |\n|---|---:|\n");
        files.forEach((name, size) -> md.append("| ").append(code(name)).append(" | ")
                .append(String.format(Locale.ROOT, "%,d", size)).append(" |\n"));
        md.append('\n');

        sparkformersUsage(md);
        pythonUsage(md);
        return md.toString();
    }

    private String summary() {
        String kind = modelType == null ? "A transformer checkpoint" : "A " + code(modelType) + " checkpoint";
        String summary = kind + " in HuggingFace's layout, published with Sparkformers.";
        if (sentenceTransformers) {
            summary += " It is a sentence-transformers model: `modules.json` lists the modules that pool and"
                    + " normalise the encoder's token embeddings into one vector per text.";
        }
        return summary;
    }

    private void sparkformersUsage(StringBuilder md) {
        String autoClass = task.map(PipelineTag::autoClassName).orElse("AutoModel");
        md.append("## Use with Sparkformers\n\n");
        md.append("The Java model library loads a local directory. `ModelLocations.localize` (module"
                + " `sparkformers-udfs`) returns the directory itself for a local path and copies a checkpoint on"
                + " another Hadoop file system into the local cache once.\n\n");
        md.append("```java\n")
                .append("Path directory = ModelLocations.localize(").append(javaString(location))
                .append(", hadoopConfiguration);\n")
                .append("try (PreTrainedModel<?> model = ").append(autoClass).append(".fromPretrained(directory)) {\n")
                .append("    System.out.println(model.loadReport());\n")
                .append("}\n```\n\n");

        Optional<String> command = task.flatMap(PipelineTag::command);
        if (command.isPresent()) {
            md.append("To run it over a corpus as a Spark job:\n\n```\n")
                    .append("bin/sparkformers ").append(command.get()).append(" --model ").append(shellWord(location))
                    .append(" --input CORPUS --output OUTPUT\n```\n\n");
        }
    }

    private void pythonUsage(StringBuilder md) {
        String autoClass = task.map(PipelineTag::autoClassName).orElse("AutoModel");
        md.append("## Use with Python transformers\n\n");
        md.append("Python transformers reads a local directory or a Hub repository. Copy a checkpoint on another"
                + " file system to a local directory first, for example with `hadoop fs -get`.\n\n");
        md.append("```python\nfrom transformers import ").append(autoClass);
        boolean tokenizer = files.containsKey("tokenizer.json");
        if (tokenizer) {
            md.append(", AutoTokenizer");
        }
        md.append("\n\n");
        if (tokenizer) {
            md.append("tokenizer = AutoTokenizer.from_pretrained(\"").append(pythonPath()).append("\")\n");
        }
        md.append("model = ").append(autoClass).append(".from_pretrained(\"").append(pythonPath()).append("\")\n```\n");
        if (sentenceTransformers) {
            md.append("\nWith sentence-transformers, which applies the pooling and normalisation of `modules.json`:\n\n")
                    .append("```python\nfrom sentence_transformers import SentenceTransformer\n\n")
                    .append("model = SentenceTransformer(\"").append(pythonPath()).append("\")\n")
                    .append("embeddings = model.encode([\"A first sentence\", \"A second one\"])\n```\n");
        }
    }

    /** The last path segment of the location: the checkpoint's name. */
    private String name() {
        String trimmed = location.replaceAll("/+$", "");
        int slash = trimmed.lastIndexOf('/');
        String name = slash >= 0 ? trimmed.substring(slash + 1) : trimmed;
        return name.isEmpty() ? location : name;
    }

    /** The directory Python reads: the location itself when it is local, else a local copy named after it. */
    private String pythonPath() {
        boolean local = !location.contains("://") || location.startsWith("file:");
        String path = local ? location.replaceFirst("^file:(//)?", "") : name();
        return path.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String javaString(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String shellWord(String value) {
        return SHELL_SAFE.matcher(value).matches() ? value : "'" + value.replace("'", "'\\''") + "'";
    }

    private static String code(String value) {
        return "`" + value.replace("`", "'") + "`";
    }

    private static void row(StringBuilder md, String property, String value) {
        md.append("| ").append(property).append(" | ").append(value.replace("|", "\\|")).append(" |\n");
    }
}
