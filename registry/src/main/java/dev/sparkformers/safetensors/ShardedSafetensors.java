package dev.sparkformers.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A checkpoint split over several safetensors files, listed by {@code model.safetensors.index.json}.
 *
 * <p>The index's {@code weight_map} maps each tensor name to a shard file. Shard names are
 * untrusted: each must be a plain relative path inside the checkpoint directory, with no
 * {@code ..} segment, no absolute path and no URI scheme. Every listed tensor must be in its
 * shard, and no tensor may appear in two shards.
 */
public final class ShardedSafetensors implements TensorSource {

    /** File name of the index, as HuggingFace writes it. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    /** Largest index accepted, in bytes; real indexes of the largest models are a few MB. */
    static final long MAX_INDEX_BYTES = 64L * 1024 * 1024;

    private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Path index;
    private final List<SafetensorsFile> shards;
    private final Map<String, SafetensorsFile> shardByTensor;
    private final Map<String, TensorInfo> tensors;

    private ShardedSafetensors(Path index, List<SafetensorsFile> shards, Map<String, SafetensorsFile> shardByTensor,
            Map<String, TensorInfo> tensors) {
        this.index = index;
        this.shards = shards;
        this.shardByTensor = shardByTensor;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Opens the index at {@code indexFile} and every shard it names. */
    public static ShardedSafetensors open(Path indexFile) throws IOException {
        Map<String, String> weightMap = readWeightMap(indexFile);
        Path directory = indexFile.toAbsolutePath().getParent();

        Map<String, SafetensorsFile> byShardName = new TreeMap<>();
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            for (String shardName : new java.util.TreeSet<>(weightMap.values())) {
                Path shard = resolveShard(indexFile, directory, shardName);
                if (!Files.isRegularFile(shard)) {
                    throw new InvalidSafetensorsException(indexFile, "shard '" + shardName
                            + "' listed in weight_map is missing from " + directory);
                }
                SafetensorsFile file = SafetensorsFile.open(shard);
                opened.add(file);
                byShardName.put(shardName, file);
            }

            Map<String, SafetensorsFile> shardByTensor = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : weightMap.entrySet()) {
                SafetensorsFile shard = byShardName.get(entry.getValue());
                TensorInfo info = shard.tensors().get(entry.getKey());
                if (info == null) {
                    throw new InvalidSafetensorsException(indexFile, "tensor '" + entry.getKey()
                            + "' is listed in shard '" + entry.getValue() + "', which does not contain it");
                }
                shardByTensor.put(entry.getKey(), shard);
                tensors.put(entry.getKey(), info);
            }
            for (SafetensorsFile shard : opened) {
                for (String name : shard.tensors().keySet()) {
                    SafetensorsFile listed = shardByTensor.get(name);
                    if (listed != null && listed != shard) {
                        throw new InvalidSafetensorsException(indexFile, "tensor '" + name + "' is stored in both "
                                + listed.path().getFileName() + " and " + shard.path().getFileName());
                    }
                }
            }
            return new ShardedSafetensors(indexFile, opened, shardByTensor, tensors);
        } catch (IOException | RuntimeException e) {
            for (SafetensorsFile file : opened) {
                file.close();
            }
            throw e;
        }
    }

    private static Map<String, String> readWeightMap(Path indexFile) throws IOException {
        long size = Files.size(indexFile);
        if (size > MAX_INDEX_BYTES) {
            throw new InvalidSafetensorsException(indexFile, "index has " + size + " bytes, more than the limit of "
                    + MAX_INDEX_BYTES);
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(indexFile));
        } catch (JsonProcessingException e) {
            throw new InvalidSafetensorsException(indexFile, "index is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new InvalidSafetensorsException(indexFile, "index has no \"weight_map\" object");
        }
        Map<String, String> result = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> entries = weightMap.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            if (!entry.getValue().isTextual()) {
                throw new InvalidSafetensorsException(indexFile, "weight_map value for '" + entry.getKey()
                        + "' must be a shard file name string");
            }
            result.put(entry.getKey(), entry.getValue().textValue());
        }
        return result;
    }

    private static Path resolveShard(Path indexFile, Path directory, String shardName)
            throws InvalidSafetensorsException {
        if (shardName.isEmpty() || shardName.indexOf('\0') >= 0) {
            throw new InvalidSafetensorsException(indexFile, "shard name '" + shardName + "' is empty or invalid");
        }
        if (URI_SCHEME.matcher(shardName).find()) {
            throw new InvalidSafetensorsException(indexFile, "shard name '" + shardName
                    + "' has a URI scheme; shards must be file names inside the checkpoint directory");
        }
        if (shardName.startsWith("/") || shardName.startsWith("\\")) {
            throw new InvalidSafetensorsException(indexFile, "shard name '" + shardName
                    + "' is an absolute path; shards must be file names inside the checkpoint directory");
        }
        for (String segment : shardName.split("[/\\\\]")) {
            if (segment.equals("..")) {
                throw new InvalidSafetensorsException(indexFile, "shard name '" + shardName
                        + "' contains '..'; shards must be file names inside the checkpoint directory");
            }
        }
        Path resolved = directory.resolve(shardName).normalize();
        if (!resolved.startsWith(directory.normalize())) {
            throw new InvalidSafetensorsException(indexFile, "shard name '" + shardName
                    + "' resolves outside the checkpoint directory");
        }
        return resolved;
    }

    /** The index file. */
    public Path index() {
        return index;
    }

    @Override
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public ByteBuffer map(String name) throws IOException {
        SafetensorsFile shard = shardByTensor.get(name);
        if (shard == null) {
            throw new IllegalArgumentException(index + " lists no tensor named '" + name + "'");
        }
        return shard.map(name);
    }

    @Override
    public String describe(String name) {
        SafetensorsFile shard = shardByTensor.get(name);
        return shard == null ? index.toString() : shard.path().toString();
    }

    @Override
    public long fileOffset(String name) {
        SafetensorsFile shard = shardByTensor.get(name);
        if (shard == null) {
            throw new IllegalArgumentException(index + " lists no tensor named '" + name + "'");
        }
        return shard.fileOffset(name);
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (SafetensorsFile shard : shards) {
            try {
                shard.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
