package dev.sparkformers.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated header of a safetensors file: tensor entries in file order and the
 * {@code __metadata__} strings.
 *
 * <p>Nothing in a header is trusted before it is checked: the header is a JSON object without
 * duplicate keys, every dtype is known, every shape is non-negative and its byte size (without
 * overflow) equals the tensor's span, and the spans tile the data section exactly, with no
 * overlap, no gap and no byte past the end of the file.
 */
public final class SafetensorsHeader {

    /** Key of the optional string-to-string metadata object. */
    public static final String METADATA_KEY = "__metadata__";

    /** Largest header accepted, in bytes; the reference implementation uses the same bound. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Most dimensions a tensor may have; real checkpoints use at most 5 or 6. */
    static final int MAX_RANK = 16;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .build());
    }

    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Tensor entries by name, in the order of their data. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} entries; empty when the header has none. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Parses and validates a header.
     *
     * @param file the file the header came from, named in error messages
     * @param json the header bytes (UTF-8 JSON, possibly padded with trailing spaces)
     * @param dataLength size of the data section that follows the header, in bytes
     */
    public static SafetensorsHeader parse(Path file, byte[] json, long dataLength)
            throws InvalidSafetensorsException {
        JsonNode root;
        try {
            root = JSON.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new InvalidSafetensorsException(file, "header is not valid JSON ("
                    + e.getOriginalMessage() + "); the file is corrupt or not a safetensors file", e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidSafetensorsException(file, "header must be a JSON object, but is "
                    + (root == null ? "empty" : root.getNodeType().toString().toLowerCase()));
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> infos = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals(METADATA_KEY)) {
                readMetadata(file, field.getValue(), metadata);
            } else {
                infos.add(readTensor(file, field.getKey(), field.getValue()));
            }
        }

        checkSpans(file, infos, dataLength);
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        infos.stream()
                .sorted(Comparator.comparingLong(TensorInfo::dataBegin).thenComparingLong(TensorInfo::dataEnd))
                .forEach(info -> tensors.put(info.name(), info));
        return new SafetensorsHeader(tensors, metadata);
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> metadata)
            throws InvalidSafetensorsException {
        if (node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new InvalidSafetensorsException(file, METADATA_KEY + " must be an object of strings, but is "
                    + node.getNodeType().toString().toLowerCase());
        }
        Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            if (!entry.getValue().isTextual()) {
                throw new InvalidSafetensorsException(file, METADATA_KEY + " value for '" + entry.getKey()
                        + "' must be a string, but is " + entry.getValue().getNodeType().toString().toLowerCase());
            }
            metadata.put(entry.getKey(), entry.getValue().textValue());
        }
    }

    private static TensorInfo readTensor(Path file, String name, JsonNode node) throws InvalidSafetensorsException {
        if (!node.isObject()) {
            throw new InvalidSafetensorsException(file, "entry for tensor '" + name + "' must be an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new InvalidSafetensorsException(file, "tensor '" + name + "' has no dtype string");
        }
        Dtype dtype = Dtype.fromHeaderName(dtypeNode.textValue()).orElseThrow(() -> new InvalidSafetensorsException(
                file, "tensor '" + name + "' has unknown dtype '" + dtypeNode.textValue() + "'; known dtypes: "
                        + List.of(Dtype.values())));

        long[] shape = readLongs(file, name, node.get("shape"), "shape", -1);
        if (shape.length > MAX_RANK) {
            throw new InvalidSafetensorsException(file, "tensor '" + name + "' has " + shape.length
                    + " dimensions; at most " + MAX_RANK + " are supported");
        }
        long[] offsets = readLongs(file, name, node.get("data_offsets"), "data_offsets", 2);
        if (offsets[1] < offsets[0]) {
            throw new InvalidSafetensorsException(file, "tensor '" + name + "' has data_offsets "
                    + offsets[0] + ", " + offsets[1] + " that end before they begin");
        }

        long expectedBytes;
        try {
            expectedBytes = TensorData.byteSize(dtype, shape);
        } catch (ArithmeticException e) {
            throw new InvalidSafetensorsException(file, "tensor '" + name + "' has shape "
                    + java.util.Arrays.toString(shape) + " whose byte size overflows a 64-bit integer");
        }
        if (expectedBytes != offsets[1] - offsets[0]) {
            throw new InvalidSafetensorsException(file, "tensor '" + name + "' of dtype " + dtype + " and shape "
                    + java.util.Arrays.toString(shape) + " needs " + expectedBytes + " bytes, but its data_offsets "
                    + offsets[0] + ", " + offsets[1] + " span " + (offsets[1] - offsets[0]));
        }
        return new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] readLongs(Path file, String name, JsonNode node, String field, int expectedLength)
            throws InvalidSafetensorsException {
        if (node == null || !node.isArray()) {
            throw new InvalidSafetensorsException(file, "tensor '" + name + "' has no " + field + " array");
        }
        if (expectedLength >= 0 && node.size() != expectedLength) {
            throw new InvalidSafetensorsException(file, "tensor '" + name + "' has " + node.size() + " "
                    + field + " values; expected " + expectedLength);
        }
        if (node.size() > MAX_RANK) {
            throw new InvalidSafetensorsException(file, "tensor '" + name + "' has " + node.size() + " "
                    + field + " values; at most " + MAX_RANK + " are supported");
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode value = node.get(i);
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
                throw new InvalidSafetensorsException(file, "tensor '" + name + "' has " + field + " value "
                        + value + "; each must be a non-negative 64-bit integer");
            }
            values[i] = value.longValue();
        }
        return values;
    }

    private static void checkSpans(Path file, List<TensorInfo> infos, long dataLength)
            throws InvalidSafetensorsException {
        List<TensorInfo> byOffset = new ArrayList<>(infos);
        byOffset.sort(Comparator.comparingLong(TensorInfo::dataBegin).thenComparingLong(TensorInfo::dataEnd));
        long expectedBegin = 0;
        TensorInfo previous = null;
        for (TensorInfo info : byOffset) {
            if (info.dataBegin() < expectedBegin) {
                throw new InvalidSafetensorsException(file, "tensors '" + previous.name() + "' and '"
                        + info.name() + "' overlap: [" + previous.dataBegin() + ", " + previous.dataEnd()
                        + ") and [" + info.dataBegin() + ", " + info.dataEnd() + ")");
            }
            if (info.dataBegin() > expectedBegin) {
                throw new InvalidSafetensorsException(file, "data has a gap of " + (info.dataBegin() - expectedBegin)
                        + " bytes before tensor '" + info.name() + "' at offset " + expectedBegin
                        + "; the file was not written by a safetensors serializer");
            }
            if (info.dataEnd() > dataLength) {
                throw new InvalidSafetensorsException(file, "tensor '" + info.name() + "' ends at data offset "
                        + info.dataEnd() + ", past the end of the data (" + dataLength
                        + " bytes); the file is truncated");
            }
            expectedBegin = info.dataEnd();
            previous = info;
        }
        if (expectedBegin != dataLength) {
            throw new InvalidSafetensorsException(file, "data section has " + dataLength
                    + " bytes, but the tensors cover " + expectedBegin + "; the file has trailing bytes");
        }
    }
}
