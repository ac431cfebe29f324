package dev.sparkformers.safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds and opens the weights of a HuggingFace checkpoint directory. */
public final class Checkpoints {

    /** File name of a single-file checkpoint. */
    public static final String SAFETENSORS_FILE = "model.safetensors";

    /** File name of a PyTorch pickle checkpoint, which Sparkformers does not execute. */
    public static final String PYTORCH_FILE = "pytorch_model.bin";

    private Checkpoints() {}

    /**
     * Opens {@code model.safetensors}, or the shards listed by {@code model.safetensors.index.json}.
     *
     * @throws NoSuchFileException if the directory holds neither, with the files it does hold and,
     *     for a {@code pytorch_model.bin} checkpoint, how to convert it
     */
    public static TensorSource open(Path directory) throws IOException {
        Path single = directory.resolve(SAFETENSORS_FILE);
        if (Files.isRegularFile(single)) {
            return SafetensorsFile.open(single);
        }
        Path index = directory.resolve(ShardedSafetensors.INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return ShardedSafetensors.open(index);
        }
        if (Files.exists(directory.resolve(PYTORCH_FILE))) {
            throw new NoSuchFileException(directory.resolve(PYTORCH_FILE).toString(), null,
                    "PyTorch pickle checkpoints are not loaded, because unpickling can run arbitrary code. "
                            + "Convert it once in Python: model = AutoModel.from_pretrained(dir); "
                            + "model.save_pretrained(dir, safe_serialization=True)");
        }
        throw new NoSuchFileException(directory.toString(), null, "no " + SAFETENSORS_FILE + " or "
                + ShardedSafetensors.INDEX_FILE + " found; the directory holds " + listing(directory));
    }

    private static String listing(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return "nothing (it is not a directory)";
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().limit(20).toList();
            return names.isEmpty() ? "no files" : names.toString();
        }
    }
}
