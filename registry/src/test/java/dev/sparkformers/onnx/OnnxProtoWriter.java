package dev.sparkformers.onnx;

import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Builds ONNX protobuf messages field by field, for tests that need valid, unusual or broken
 * files. Field numbers are those of {@code onnx.proto}.
 */
final class OnnxProtoWriter {

    static final int FLOAT = 1;
    static final int INT64 = 7;
    static final int STRING = 8;

    /** One protobuf message, written as its fields are added. */
    static final class Message {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream output = CodedOutputStream.newInstance(bytes);

        Message int64(int field, long value) {
            return write(() -> output.writeInt64(field, value));
        }

        Message int32(int field, int value) {
            return write(() -> output.writeInt32(field, value));
        }

        Message float32(int field, float value) {
            return write(() -> output.writeFloat(field, value));
        }

        Message string(int field, String value) {
            return write(() -> output.writeString(field, value));
        }

        Message bytes(int field, byte[] value) {
            return write(() -> output.writeByteArray(field, value));
        }

        /** Adds a nested message, or a packed list, as a length-delimited field. */
        Message message(int field, byte[] value) {
            return bytes(field, value);
        }

        /** Adds raw bytes with no tag, to build malformed input. */
        Message raw(byte[] value) {
            return write(() -> output.writeRawBytes(value));
        }

        byte[] toBytes() {
            write(output::flush);
            return bytes.toByteArray();
        }

        private Message write(IoAction action) {
            try {
                action.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private OnnxProtoWriter() {}

    /**
     * Returns a ModelProto with opset_import after the graph, in the field order PyTorch writes, so
     * that a cut anywhere leaves a malformed field, no graph, or no opset_import.
     */
    static byte[] model(byte[] graph) {
        return new Message()
                .int64(1, 6)
                .string(2, "pytorch")
                .string(3, "2.0.1")
                .message(7, graph)
                .message(8, new Message().string(1, "").int64(2, 11).toBytes())
                .toBytes();
    }

    static byte[] graph(List<byte[]> nodes, List<byte[]> initializers, List<byte[]> inputs, List<byte[]> outputs) {
        Message graph = new Message();
        nodes.forEach(node -> graph.message(1, node));
        graph.string(2, "torch_jit");
        initializers.forEach(tensor -> graph.message(5, tensor));
        inputs.forEach(input -> graph.message(11, input));
        outputs.forEach(output -> graph.message(12, output));
        return graph.toBytes();
    }

    static byte[] node(String name, String opType, List<String> inputs, List<String> outputs, byte[]... attributes) {
        Message node = new Message();
        inputs.forEach(input -> node.string(1, input));
        outputs.forEach(output -> node.string(2, output));
        node.string(3, name);
        node.string(4, opType);
        for (byte[] attribute : attributes) {
            node.message(5, attribute);
        }
        return node.toBytes();
    }

    static byte[] tensorAttribute(String name, byte[] tensor) {
        return new Message().string(1, name).message(5, tensor).int32(20, 4).toBytes();
    }

    static byte[] intAttribute(String name, long value) {
        return new Message().string(1, name).int64(3, value).int32(20, 2).toBytes();
    }

    static byte[] intsAttribute(String name, long... values) {
        Message attribute = new Message().string(1, name);
        for (long value : values) {
            attribute.int64(8, value);
        }
        return attribute.int32(20, 7).toBytes();
    }

    /** Returns a TensorProto with its data in raw_data. */
    static byte[] rawTensor(String name, int dataType, long[] dims, byte[] raw) {
        Message tensor = new Message();
        for (long dim : dims) {
            tensor.int64(1, dim);
        }
        return tensor.int32(2, dataType).string(8, name).bytes(9, raw).toBytes();
    }

    static byte[] floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return rawTensor(name, FLOAT, dims, raw.array());
    }

    static byte[] int64Tensor(String name, long[] dims, long[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return rawTensor(name, INT64, dims, raw.array());
    }

    /** Returns a ValueInfoProto for a tensor; each dim is a number or a symbolic name. */
    static byte[] valueInfo(String name, int elementType, String... dims) {
        Message shape = new Message();
        for (String dim : dims) {
            Message dimension = new Message();
            if (dim.chars().allMatch(Character::isDigit)) {
                dimension.int64(1, Long.parseLong(dim));
            } else {
                dimension.string(2, dim);
            }
            shape.message(1, dimension.toBytes());
        }
        byte[] tensorType = new Message().int32(1, elementType).message(2, shape.toBytes()).toBytes();
        return new Message().string(1, name).message(2, new Message().message(1, tensorType).toBytes()).toBytes();
    }
}
