package dev.sparkformers.onnx;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the files that make a checkpoint directory a sentence-transformers model: the transformer
 * at the root, mean pooling in {@code 1_Pooling}, and optionally normalization.
 *
 * <p>The {@code Normalize} module has no settings, so modules.json points at a {@code 2_Normalize}
 * folder that is not created; sentence-transformers checkpoints on the HuggingFace hub do the same.
 */
final class SentenceTransformersFiles {

    static final String MODULES_FILE = "modules.json";
    static final String POOLING_FOLDER = "1_Pooling";
    static final String CONFIG_FILE = "sentence_bert_config.json";

    private SentenceTransformersFiles() {}

    /** Writes modules.json, 1_Pooling/config.json and sentence_bert_config.json into {@code directory}. */
    static void write(Path directory, int hiddenSize, int maxSeqLength, boolean normalize) throws IOException {
        JsonNodeFactory nodes = JsonNodeFactory.instance;

        ArrayNode modules = nodes.arrayNode();
        addModule(modules, 0, "", "sentence_transformers.models.Transformer");
        addModule(modules, 1, POOLING_FOLDER, "sentence_transformers.models.Pooling");
        if (normalize) {
            addModule(modules, 2, "2_Normalize", "sentence_transformers.models.Normalize");
        }
        JsonFiles.write(directory.resolve(MODULES_FILE), modules);

        // Field order as sentence-transformers writes it, which is not alphabetical.
        ObjectNode pooling = nodes.objectNode();
        pooling.put("word_embedding_dimension", hiddenSize);
        pooling.put("pooling_mode_cls_token", false);
        pooling.put("pooling_mode_mean_tokens", true);
        pooling.put("pooling_mode_max_tokens", false);
        pooling.put("pooling_mode_mean_sqrt_len_tokens", false);
        Files.createDirectories(directory.resolve(POOLING_FOLDER));
        JsonFiles.write(directory.resolve(POOLING_FOLDER).resolve("config.json"), pooling);

        // do_lower_case here is sentence-transformers' own flag; the tokenizer lowercases on its own.
        ObjectNode config = nodes.objectNode();
        config.put("max_seq_length", maxSeqLength);
        config.put("do_lower_case", false);
        JsonFiles.write(directory.resolve(CONFIG_FILE), config);
    }

    private static void addModule(ArrayNode modules, int index, String path, String type) {
        ObjectNode module = modules.addObject();
        module.put("idx", index);
        module.put("name", String.valueOf(index));
        module.put("path", path);
        module.put("type", type);
    }
}
