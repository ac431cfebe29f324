package dev.sparkformers.onnx;

import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX model file ({@code ModelProto}) with protobuf-java's wire-format reader, keeping
 * only the fields that importing a model needs. Field numbers are those of ONNX's
 * {@code onnx.proto}.
 *
 * <p>The file is memory-mapped, and tensors stored in {@code raw_data} are views of the mapping,
 * so reading a model copies no weights. Everything a file controls is bounded before it is used:
 * lengths against the bytes that remain, counts of nodes, initializers, attributes and list values
 * against the limits below, and each tensor's data length against its data type and shape. Tensors
 * stored in external files, segmented tensors and sparse initializers are rejected with a message
 * that names the feature.
 */
public final class OnnxReader {

    /** Largest file accepted: protobuf messages cannot exceed 2 GiB, so larger models use external data. */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE;

    /** Maximum number of nodes in a graph, far above what encoder exports need (all-MiniLM-L6-v2 has 637). */
    static final int MAX_NODES = 4_000_000;

    /** Maximum number of initializers in a graph. */
    static final int MAX_INITIALIZERS = 1_000_000;

    /** Maximum number of graph inputs or outputs, node inputs or outputs, and opset imports. */
    static final int MAX_VALUES = 1 << 16;

    /** Maximum number of attributes on one node. */
    static final int MAX_ATTRIBUTES = 1 << 12;

    /** Maximum number of values in one {@code floats} or {@code ints} attribute. */
    static final int MAX_LIST_VALUES = 1 << 20;

    private final ProtoInput input;

    private OnnxReader(ProtoInput input) {
        this.input = input;
    }

    /**
     * Reads and validates the ONNX model in {@code file}.
     *
     * @throws InvalidOnnxException if the file is empty, too large, malformed or truncated, or if it
     *     uses a feature this reader does not support. The message names the file and the problem.
     */
    public static OnnxModel read(Path file) throws IOException {
        ByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size == 0) {
                throw new InvalidOnnxException(file.toString(), "file is empty; it is not an ONNX model");
            }
            if (size > MAX_FILE_BYTES) {
                throw new InvalidOnnxException(file.toString(), "file has " + size + " bytes, more than the "
                        + MAX_FILE_BYTES + " a protobuf message can hold; models this large keep their weights"
                        + " in external data files, which are not supported");
            }
            // The mapping stays valid after the channel closes, for as long as a tensor view refers to it.
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        return read(mapped, file.toString());
    }

    /**
     * Reads and validates an ONNX model held in memory, from the buffer's position to its limit.
     * Tensors keep views of {@code bytes}, so the caller must not modify it afterwards.
     *
     * @param source the file or resource the bytes came from, named in error messages
     */
    public static OnnxModel read(ByteBuffer bytes, String source) throws InvalidOnnxException {
        if (!bytes.hasRemaining()) {
            throw new InvalidOnnxException(source, "file is empty; it is not an ONNX model");
        }
        try {
            return new OnnxReader(new ProtoInput(source, bytes.duplicate())).readModel(source);
        } catch (InvalidOnnxException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidOnnxException(source, "could not be read: " + e.getMessage(), e);
        }
    }

    private OnnxModel readModel(String source) throws IOException {
        long irVersion = 0;
        String producerName = "";
        String producerVersion = "";
        Map<String, Long> opsets = new LinkedHashMap<>();
        OnnxGraph graph = null;
        while (!input.atEnd()) {
            int tag = input.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> irVersion = input.readInt64(tag, "ModelProto.ir_version");
                case 2 -> producerName = input.readString(tag, "ModelProto.producer_name");
                case 3 -> producerVersion = input.readString(tag, "ModelProto.producer_version");
                case 7 -> {
                    if (graph != null) {
                        throw input.invalid("ModelProto has more than one graph");
                    }
                    graph = readGraph(tag);
                }
                case 8 -> readOpsetImport(tag, opsets);
                default -> input.skipField(tag);
            }
        }

        if (graph == null) {
            throw input.invalid("file has no graph (ModelProto field 7); it is not an ONNX model");
        }
        if (opsets.isEmpty()) {
            // ONNX requires at least one; exporters write it after the graph, so a cut file loses it first.
            throw input.invalid("file has no opset_import; an ONNX model declares its operator set version, so"
                    + " the file is truncated or not an ONNX model");
        }
        if (irVersion <= 0) {
            throw input.invalid("file has ir_version " + irVersion + "; an ONNX model declares a positive"
                    + " IR version");
        }
        return new OnnxModel(source, irVersion, producerName, producerVersion, opsets, graph);
    }

    private void readOpsetImport(int tag, Map<String, Long> opsets) throws IOException {
        int oldLimit = input.enterMessage(tag, "ModelProto.opset_import");
        String domain = "";
        long version = 0;
        while (!input.atEnd()) {
            int field = input.readTag();
            switch (WireFormat.getTagFieldNumber(field)) {
                case 1 -> domain = input.readString(field, "OperatorSetIdProto.domain");
                case 2 -> version = input.readInt64(field, "OperatorSetIdProto.version");
                default -> input.skipField(field);
            }
        }
        input.exitMessage(oldLimit);
        if (opsets.size() == MAX_VALUES) {
            throw input.invalid("ModelProto has more than " + MAX_VALUES + " opset imports");
        }
        opsets.put(domain, version);
    }

    private OnnxGraph readGraph(int tag) throws IOException {
        int oldLimit = input.enterMessage(tag, "ModelProto.graph");
        String name = "";
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        List<OnnxValueInfo> inputs = new ArrayList<>();
        List<OnnxValueInfo> outputs = new ArrayList<>();
        while (!input.atEnd()) {
            int field = input.readTag();
            switch (WireFormat.getTagFieldNumber(field)) {
                case 1 -> {
                    requireBelow(nodes.size(), MAX_NODES, "graph nodes");
                    nodes.add(readNode(field));
                }
                case 2 -> name = input.readString(field, "GraphProto.name");
                case 5 -> {
                    requireBelow(initializers.size(), MAX_INITIALIZERS, "initializers");
                    OnnxTensor tensor = TensorProtoReader.read(input, field, "initializer");
                    if (initializers.putIfAbsent(tensor.name(), tensor) != null) {
                        throw input.invalid("graph has two initializers named '" + tensor.name() + "'");
                    }
                }
                case 11 -> {
                    requireBelow(inputs.size(), MAX_VALUES, "graph inputs");
                    inputs.add(readValueInfo(field, "GraphProto.input"));
                }
                case 12 -> {
                    requireBelow(outputs.size(), MAX_VALUES, "graph outputs");
                    outputs.add(readValueInfo(field, "GraphProto.output"));
                }
                case 15 -> throw input.invalid("graph has a sparse initializer; sparse initializers are not"
                        + " supported");
                default -> input.skipField(field);
            }
        }
        input.exitMessage(oldLimit);
        return new OnnxGraph(name, nodes, initializers, inputs, outputs);
    }

    private OnnxNode readNode(int tag) throws IOException {
        int oldLimit = input.enterMessage(tag, "GraphProto.node");
        String name = "";
        String opType = "";
        String domain = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, OnnxAttribute> attributes = new LinkedHashMap<>();
        while (!input.atEnd()) {
            int field = input.readTag();
            switch (WireFormat.getTagFieldNumber(field)) {
                case 1 -> {
                    requireBelow(inputs.size(), MAX_VALUES, "node inputs");
                    inputs.add(input.readString(field, "NodeProto.input"));
                }
                case 2 -> {
                    requireBelow(outputs.size(), MAX_VALUES, "node outputs");
                    outputs.add(input.readString(field, "NodeProto.output"));
                }
                case 3 -> name = input.readString(field, "NodeProto.name");
                case 4 -> opType = input.readString(field, "NodeProto.op_type");
                case 5 -> {
                    requireBelow(attributes.size(), MAX_ATTRIBUTES, "attributes of one node");
                    OnnxAttribute attribute = readAttribute(field);
                    attributes.put(attribute.name(), attribute);
                }
                case 7 -> domain = input.readString(field, "NodeProto.domain");
                default -> input.skipField(field);
            }
        }
        input.exitMessage(oldLimit);
        if (opType.isEmpty()) {
            throw input.invalid("node '" + name + "' has no op_type");
        }
        return new OnnxNode(name, opType, domain, inputs, outputs, attributes);
    }

    private OnnxAttribute readAttribute(int tag) throws IOException {
        int oldLimit = input.enterMessage(tag, "NodeProto.attribute");
        String name = "";
        int typeCode = 0;
        float floatValue = 0;
        long intValue = 0;
        String stringValue = "";
        OnnxTensor tensorValue = null;
        List<Float> floats = new ArrayList<>();
        List<Long> ints = new ArrayList<>();
        while (!input.atEnd()) {
            int field = input.readTag();
            switch (WireFormat.getTagFieldNumber(field)) {
                case 1 -> name = input.readString(field, "AttributeProto.name");
                case 2 -> floatValue = input.readFloat(field, "AttributeProto.f");
                case 3 -> intValue = input.readInt64(field, "AttributeProto.i");
                case 4 -> stringValue = input.readString(field, "AttributeProto.s");
                case 5 -> tensorValue = TensorProtoReader.read(input, field, "attribute tensor");
                case 7 -> readFloats(field, floats);
                case 8 -> readInts(field, ints);
                case 20 -> typeCode = input.readInt32(field, "AttributeProto.type");
                default -> input.skipField(field);
            }
        }
        input.exitMessage(oldLimit);

        OnnxAttribute.Type type = OnnxAttribute.Type.fromCode(typeCode).orElse(OnnxAttribute.Type.UNDEFINED);
        if (type == OnnxAttribute.Type.UNDEFINED && tensorValue != null) {
            // IR version 1 files may leave out the type; the tensor field is the only one the importer needs.
            type = OnnxAttribute.Type.TENSOR;
        }
        return new OnnxAttribute(name, type, floatValue, intValue, stringValue, tensorValue, floats, ints);
    }

    private void readFloats(int tag, List<Float> floats) throws IOException {
        if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            requireBelow(floats.size(), MAX_LIST_VALUES, "values in a floats attribute");
            floats.add(input.readFloat(tag, "AttributeProto.floats"));
            return;
        }
        int oldLimit = input.enterPacked(tag, "AttributeProto.floats");
        while (!input.atEnd()) {
            requireBelow(floats.size(), MAX_LIST_VALUES, "values in a floats attribute");
            floats.add(Float.intBitsToFloat(input.readPackedFixed32()));
        }
        input.exitMessage(oldLimit);
    }

    private void readInts(int tag, List<Long> ints) throws IOException {
        if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            requireBelow(ints.size(), MAX_LIST_VALUES, "values in an ints attribute");
            ints.add(input.readInt64(tag, "AttributeProto.ints"));
            return;
        }
        int oldLimit = input.enterPacked(tag, "AttributeProto.ints");
        while (!input.atEnd()) {
            requireBelow(ints.size(), MAX_LIST_VALUES, "values in an ints attribute");
            ints.add(input.readPackedVarint());
        }
        input.exitMessage(oldLimit);
    }

    private OnnxValueInfo readValueInfo(int tag, String field) throws IOException {
        int oldLimit = input.enterMessage(tag, field);
        String name = "";
        int elementType = 0;
        List<String> dims = new ArrayList<>();
        while (!input.atEnd()) {
            int valueField = input.readTag();
            switch (WireFormat.getTagFieldNumber(valueField)) {
                case 1 -> name = input.readString(valueField, "ValueInfoProto.name");
                case 2 -> elementType = readTensorType(valueField, dims);
                default -> input.skipField(valueField);
            }
        }
        input.exitMessage(oldLimit);
        return new OnnxValueInfo(name, OnnxDataType.fromCode(elementType).orElse(OnnxDataType.UNDEFINED), dims);
    }

    /** Reads a {@code TypeProto}; returns the tensor element type and adds the shape to {@code dims}. */
    private int readTensorType(int tag, List<String> dims) throws IOException {
        int typeLimit = input.enterMessage(tag, "ValueInfoProto.type");
        int elementType = 0;
        while (!input.atEnd()) {
            int typeField = input.readTag();
            if (WireFormat.getTagFieldNumber(typeField) != 1) {
                // Sequence, map and optional types carry no tensor shape.
                input.skipField(typeField);
                continue;
            }
            int tensorLimit = input.enterMessage(typeField, "TypeProto.tensor_type");
            while (!input.atEnd()) {
                int tensorField = input.readTag();
                switch (WireFormat.getTagFieldNumber(tensorField)) {
                    case 1 -> elementType = input.readInt32(tensorField, "TypeProto.Tensor.elem_type");
                    case 2 -> readShape(tensorField, dims);
                    default -> input.skipField(tensorField);
                }
            }
            input.exitMessage(tensorLimit);
        }
        input.exitMessage(typeLimit);
        return elementType;
    }

    private void readShape(int tag, List<String> dims) throws IOException {
        int shapeLimit = input.enterMessage(tag, "TypeProto.Tensor.shape");
        while (!input.atEnd()) {
            int shapeField = input.readTag();
            if (WireFormat.getTagFieldNumber(shapeField) != 1) {
                input.skipField(shapeField);
                continue;
            }
            requireBelow(dims.size(), TensorProtoReader.MAX_RANK, "dimensions in a value shape");
            int dimLimit = input.enterMessage(shapeField, "TensorShapeProto.dim");
            String dim = "?";
            while (!input.atEnd()) {
                int dimField = input.readTag();
                switch (WireFormat.getTagFieldNumber(dimField)) {
                    case 1 -> dim = Long.toString(input.readInt64(dimField, "Dimension.dim_value"));
                    case 2 -> dim = input.readString(dimField, "Dimension.dim_param");
                    default -> input.skipField(dimField);
                }
            }
            input.exitMessage(dimLimit);
            dims.add(dim);
        }
        input.exitMessage(shapeLimit);
    }

    private void requireBelow(int count, int limit, String what) throws InvalidOnnxException {
        if (count >= limit) {
            throw input.invalid("file has more than " + limit + " " + what);
        }
    }
}
