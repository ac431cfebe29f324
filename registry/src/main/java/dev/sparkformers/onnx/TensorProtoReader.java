package dev.sparkformers.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one {@code TensorProto} into an {@link OnnxTensor}.
 *
 * <p>Tensor data may sit in {@code raw_data} (little-endian bytes, which is what PyTorch writes)
 * or in one of the typed lists ({@code float_data}, {@code int32_data}, {@code int64_data},
 * {@code double_data}, {@code uint64_data}). Fields may come in any order, so the reader first
 * collects views of the data fields without decoding them. When the message ends, it checks their
 * size against data type and shape, and allocates a buffer only after that check passes.
 * {@code raw_data} is never copied.
 */
final class TensorProtoReader {

    /** Maximum number of dimensions of a tensor. */
    static final int MAX_RANK = 32;

    /** Maximum number of typed-list values stored one per tag (not packed); writers pack these lists. */
    static final int MAX_UNPACKED_VALUES = 1 << 20;

    /** Maximum number of packed runs of one typed list. */
    static final int MAX_PACKED_RUNS = 1 << 16;

    private static final int FIELD_DIMS = 1;
    private static final int FIELD_DATA_TYPE = 2;
    private static final int FIELD_SEGMENT = 3;
    private static final int FIELD_FLOAT_DATA = 4;
    private static final int FIELD_INT32_DATA = 5;
    private static final int FIELD_STRING_DATA = 6;
    private static final int FIELD_INT64_DATA = 7;
    private static final int FIELD_NAME = 8;
    private static final int FIELD_RAW_DATA = 9;
    private static final int FIELD_DOUBLE_DATA = 10;
    private static final int FIELD_UINT64_DATA = 11;
    private static final int FIELD_EXTERNAL_DATA = 13;
    private static final int FIELD_DATA_LOCATION = 14;

    private static final int DATA_LOCATION_EXTERNAL = 1;

    /** One typed data list: the packed runs as views of the file, and any values stored one per tag. */
    private static final class TypedValues {
        final String field;
        final List<ByteBuffer> packedRuns = new ArrayList<>();
        long[] unpacked = new long[0];
        int unpackedCount;

        TypedValues(String field) {
            this.field = field;
        }

        boolean isEmpty() {
            return packedRuns.isEmpty() && unpackedCount == 0;
        }
    }

    private final ProtoInput input;
    private final String context;

    private final List<Long> dims = new ArrayList<>();
    private int dataTypeCode;
    private String name = "";
    private ByteBuffer rawData;
    private boolean hasStringData;
    private boolean hasSegment;
    private boolean external;
    private String externalLocation = "";
    private final TypedValues floatData = new TypedValues("float_data");
    private final TypedValues int32Data = new TypedValues("int32_data");
    private final TypedValues int64Data = new TypedValues("int64_data");
    private final TypedValues doubleData = new TypedValues("double_data");
    private final TypedValues uint64Data = new TypedValues("uint64_data");

    private TensorProtoReader(ProtoInput input, String context) {
        this.input = input;
        this.context = context;
    }

    /**
     * Reads the {@code TensorProto} that the field {@code tag} starts.
     *
     * @param context where the tensor sits, for messages, for example {@code "initializer"}
     */
    static OnnxTensor read(ProtoInput input, int tag, String context) throws IOException {
        int oldLimit = input.enterMessage(tag, context);
        TensorProtoReader reader = new TensorProtoReader(input, context);
        while (!input.atEnd()) {
            reader.readField(input.readTag());
        }
        input.exitMessage(oldLimit);
        return reader.build();
    }

    private void readField(int tag) throws IOException {
        switch (WireFormat.getTagFieldNumber(tag)) {
            case FIELD_DIMS -> readDims(tag);
            case FIELD_DATA_TYPE -> dataTypeCode = input.readInt32(tag, "TensorProto.data_type");
            case FIELD_SEGMENT -> {
                hasSegment = true;
                input.skipField(tag);
            }
            case FIELD_FLOAT_DATA -> readTyped(tag, floatData, WireFormat.WIRETYPE_FIXED32);
            case FIELD_INT32_DATA -> readTyped(tag, int32Data, WireFormat.WIRETYPE_VARINT);
            case FIELD_STRING_DATA -> {
                hasStringData = true;
                input.skipField(tag);
            }
            case FIELD_INT64_DATA -> readTyped(tag, int64Data, WireFormat.WIRETYPE_VARINT);
            case FIELD_NAME -> name = input.readString(tag, "TensorProto.name");
            case FIELD_RAW_DATA -> rawData = input.readBytesView(tag, "TensorProto.raw_data");
            case FIELD_DOUBLE_DATA -> readTyped(tag, doubleData, WireFormat.WIRETYPE_FIXED64);
            case FIELD_UINT64_DATA -> readTyped(tag, uint64Data, WireFormat.WIRETYPE_VARINT);
            case FIELD_EXTERNAL_DATA -> readExternalDataEntry(tag);
            case FIELD_DATA_LOCATION -> external |= input.readInt32(tag, "TensorProto.data_location")
                    == DATA_LOCATION_EXTERNAL;
            default -> input.skipField(tag);
        }
    }

    private void readDims(int tag) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int oldLimit = input.enterPacked(tag, "TensorProto.dims");
            while (!input.atEnd()) {
                addDim(input.readPackedVarint());
            }
            input.exitMessage(oldLimit);
        } else {
            addDim(input.readInt64(tag, "TensorProto.dims"));
        }
    }

    private void addDim(long dim) throws InvalidOnnxException {
        if (dims.size() == MAX_RANK) {
            throw input.invalid(context + " '" + name + "' has more than " + MAX_RANK + " dimensions");
        }
        dims.add(dim);
    }

    private void readTyped(int tag, TypedValues values, int elementWireType) throws IOException {
        String field = "TensorProto." + values.field;
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            if (values.packedRuns.size() == MAX_PACKED_RUNS) {
                throw input.invalid(context + " '" + name + "' has more than " + MAX_PACKED_RUNS + " packed "
                        + values.field + " runs");
            }
            values.packedRuns.add(input.readBytesView(tag, field));
            return;
        }

        input.expectWireType(tag, elementWireType, field);
        if (values.unpackedCount == MAX_UNPACKED_VALUES) {
            throw input.invalid(context + " '" + name + "' has more than " + MAX_UNPACKED_VALUES
                    + " unpacked " + values.field + " values; store large tensors in raw_data");
        }
        if (values.unpackedCount == values.unpacked.length) {
            values.unpacked = Arrays.copyOf(values.unpacked, Math.max(16, values.unpacked.length * 2));
        }
        long value = switch (elementWireType) {
            case WireFormat.WIRETYPE_FIXED32 -> input.readFixed32(tag, field);
            case WireFormat.WIRETYPE_FIXED64 -> input.readFixed64(tag, field);
            default -> input.readInt64(tag, field);
        };
        values.unpacked[values.unpackedCount++] = value;
    }

    private void readExternalDataEntry(int tag) throws IOException {
        external = true;
        int oldLimit = input.enterMessage(tag, "TensorProto.external_data");
        String key = "";
        String value = "";
        while (!input.atEnd()) {
            int entryTag = input.readTag();
            switch (WireFormat.getTagFieldNumber(entryTag)) {
                case 1 -> key = input.readString(entryTag, "StringStringEntryProto.key");
                case 2 -> value = input.readString(entryTag, "StringStringEntryProto.value");
                default -> input.skipField(entryTag);
            }
        }
        input.exitMessage(oldLimit);
        if (key.equals("location")) {
            externalLocation = value;
        }
    }

    private OnnxTensor build() throws InvalidOnnxException {
        String label = context + " '" + name + "'";
        if (external) {
            throw input.invalid(label + " stores its data in an external file"
                    + (externalLocation.isEmpty() ? "" : " ('" + externalLocation + "')")
                    + "; ONNX external data is not supported. Load the model with the onnx Python package"
                    + " and save it again with all tensors embedded in the .onnx file");
        }
        if (hasSegment) {
            throw input.invalid(label + " is split into segments; segmented tensors are not supported");
        }
        OnnxDataType dataType = OnnxDataType.fromCode(dataTypeCode).orElseThrow(() -> input.invalid(label
                + " has data type code " + dataTypeCode + ", which is not supported (supported: "
                + Arrays.toString(OnnxDataType.values()) + ")"));
        if (dataType == OnnxDataType.STRING || hasStringData) {
            throw input.invalid(label + " is a string tensor; string tensors are not supported");
        }
        if (dataType == OnnxDataType.UNDEFINED) {
            throw input.invalid(label + " has no data type");
        }

        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long expectedBytes = expectedBytes(label, dataType, shape);
        ByteBuffer data;
        if (rawData != null) {
            requireNoTypedData(label, null);
            if (rawData.remaining() != expectedBytes) {
                throw input.invalid(label + " of type " + dataType + " and shape " + Arrays.toString(shape)
                        + " needs " + expectedBytes + " bytes, but its raw_data has " + rawData.remaining());
            }
            data = rawData;
        } else {
            data = decodeTyped(label, dataType, shape, expectedBytes);
        }
        return new OnnxTensor(name, dataType, shape, data);
    }

    private long expectedBytes(String label, OnnxDataType dataType, long[] shape) throws InvalidOnnxException {
        try {
            long count = 1;
            for (long dim : shape) {
                if (dim < 0) {
                    throw input.invalid(label + " has negative dimension " + dim + " in shape "
                            + Arrays.toString(shape));
                }
                count = Math.multiplyExact(count, dim);
            }
            long bytes = Math.multiplyExact(count, (long) dataType.byteSize());
            if (bytes > Integer.MAX_VALUE) {
                throw input.invalid(label + " of shape " + Arrays.toString(shape) + " needs " + bytes
                        + " bytes, more than one protobuf message can hold");
            }
            return bytes;
        } catch (ArithmeticException e) {
            throw input.invalid(label + " has shape " + Arrays.toString(shape)
                    + " whose size overflows a 64-bit integer");
        }
    }

    /** Decodes the typed list that {@code dataType} uses, after checking its length. */
    private ByteBuffer decodeTyped(String label, OnnxDataType dataType, long[] shape, long expectedBytes)
            throws InvalidOnnxException {
        TypedValues values = typedListFor(dataType);
        requireNoTypedData(label, values);
        if (values == null) {
            throw input.invalid(label + " of type " + dataType + " has no raw_data; typed lists are not"
                    + " supported for this type");
        }

        boolean complex = dataType == OnnxDataType.COMPLEX64 || dataType == OnnxDataType.COMPLEX128;
        long expectedValues = expectedBytes / dataType.byteSize() * (complex ? 2 : 1);
        long available = countValues(label, values);
        if (available != expectedValues) {
            throw input.invalid(label + " of type " + dataType + " and shape " + Arrays.toString(shape)
                    + " needs " + expectedValues + " values, but its " + (values.isEmpty() ? "data is missing"
                    : values.field + " has " + available));
        }

        int width = complex ? dataType.byteSize() / 2 : dataType.byteSize();
        ByteBuffer data = ByteBuffer.allocate((int) expectedBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (ByteBuffer run : values.packedRuns) {
            decodeRun(label, values, run, width, data);
        }
        for (int i = 0; i < values.unpackedCount; i++) {
            putValue(data, values.unpacked[i], width);
        }
        return data.flip();
    }

    private TypedValues typedListFor(OnnxDataType dataType) {
        return switch (dataType) {
            case FLOAT, COMPLEX64 -> floatData;
            case INT32, INT16, INT8, UINT16, UINT8, BOOL, FLOAT16, BFLOAT16 -> int32Data;
            case INT64 -> int64Data;
            case DOUBLE, COMPLEX128 -> doubleData;
            case UINT32, UINT64 -> uint64Data;
            default -> null;
        };
    }

    private void requireNoTypedData(String label, TypedValues allowed) throws InvalidOnnxException {
        for (TypedValues values : List.of(floatData, int32Data, int64Data, doubleData, uint64Data)) {
            if (values != allowed && !values.isEmpty()) {
                String where = allowed == null ? "raw_data and " + values.field
                        : values.field + ", which does not match its data type";
                throw input.invalid(label + " has data in " + where);
            }
        }
    }

    private long countValues(String label, TypedValues values) throws InvalidOnnxException {
        long count = values.unpackedCount;
        for (ByteBuffer run : values.packedRuns) {
            if (values == floatData || values == doubleData) {
                int width = values == floatData ? Float.BYTES : Double.BYTES;
                if (run.remaining() % width != 0) {
                    throw input.invalid(label + " has a packed " + values.field + " run of " + run.remaining()
                            + " bytes, not a multiple of " + width);
                }
                count += run.remaining() / width;
            } else {
                count += countVarints(label, values, run);
            }
        }
        return count;
    }

    private long countVarints(String label, TypedValues values, ByteBuffer run) throws InvalidOnnxException {
        CodedInputStream varints = CodedInputStream.newInstance(run.duplicate());
        long count = 0;
        try {
            while (!varints.isAtEnd()) {
                varints.readRawVarint64();
                count++;
            }
        } catch (IOException e) {
            throw input.invalid(label + " has a malformed packed " + values.field + " run: " + e.getMessage());
        }
        return count;
    }

    private void decodeRun(String label, TypedValues values, ByteBuffer run, int width, ByteBuffer out)
            throws InvalidOnnxException {
        CodedInputStream elements = CodedInputStream.newInstance(run.duplicate());
        try {
            while (!elements.isAtEnd()) {
                long value;
                if (values == floatData) {
                    value = elements.readRawLittleEndian32();
                } else if (values == doubleData) {
                    value = elements.readRawLittleEndian64();
                } else {
                    value = elements.readRawVarint64();
                }
                putValue(out, value, width);
            }
        } catch (InvalidProtocolBufferException e) {
            throw input.invalid(label + " has a malformed packed " + values.field + " run: " + e.getMessage());
        } catch (IOException e) {
            throw input.invalid(label + " could not be decoded: " + e.getMessage());
        }
    }

    /** Stores the low {@code width} bytes of {@code value}; narrower types keep their bits in an int32 slot. */
    private static void putValue(ByteBuffer out, long value, int width) {
        switch (width) {
            case 1 -> out.put((byte) value);
            case 2 -> out.putShort((short) value);
            case 4 -> out.putInt((int) value);
            default -> out.putLong(value);
        }
    }
}
