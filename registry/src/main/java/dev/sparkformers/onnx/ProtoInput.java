package dev.sparkformers.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A protobuf wire-format cursor over an in-memory ONNX file, with the bounds checks the ONNX
 * reader needs: every length is checked against the bytes that remain before anything is
 * allocated, every string against {@link #MAX_STRING_BYTES}, and every field's wire type against
 * the one {@code onnx.proto} declares. Errors name the source and the byte offset.
 */
final class ProtoInput {

    /** Maximum length of a name or string value, in bytes; ONNX names are identifiers and module paths. */
    static final int MAX_STRING_BYTES = 1 << 16;

    private final String source;
    private final ByteBuffer file;
    private final int fileStart;
    private final CodedInputStream input;

    ProtoInput(String source, ByteBuffer file) {
        this.source = source;
        this.file = file;
        this.fileStart = file.position();
        this.input = CodedInputStream.newInstance(file);
    }

    /** Returns the file or resource being read, for messages. */
    String source() {
        return source;
    }

    /** Returns the offset of the next byte, from the start of the file. */
    long offset() {
        return input.getTotalBytesRead();
    }

    /** Returns whether the current message (or the file, at the top level) has no more fields. */
    boolean atEnd() throws IOException {
        try {
            return input.isAtEnd();
        } catch (InvalidProtocolBufferException e) {
            throw malformed(e);
        }
    }

    /** Reads the next field tag; call only when {@link #atEnd()} is false. */
    int readTag() throws IOException {
        try {
            return input.readTag();
        } catch (InvalidProtocolBufferException e) {
            throw malformed(e);
        }
    }

    /**
     * Enters a length-delimited field as a nested message and returns the limit to pass to
     * {@link #exitMessage(int)}. Fails if the message would run past its enclosing message.
     */
    int enterMessage(int tag, String field) throws IOException {
        expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, field);
        try {
            int length = input.readRawVarint32();
            return input.pushLimit(length);
        } catch (InvalidProtocolBufferException e) {
            throw malformed(e);
        }
    }

    /** Leaves the message entered with {@link #enterMessage(int, String)}. */
    void exitMessage(int oldLimit) {
        input.popLimit(oldLimit);
    }

    /** Reads a length-delimited UTF-8 string of at most {@link #MAX_STRING_BYTES} bytes. */
    String readString(int tag, String field) throws IOException {
        expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, field);
        try {
            int length = input.readRawVarint32();
            if (length < 0 || length > MAX_STRING_BYTES) {
                throw invalid(field + " has length " + Integer.toUnsignedString(length)
                        + " bytes; strings longer than " + MAX_STRING_BYTES + " bytes are rejected");
            }
            return new String(input.readRawBytes(length), StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw malformed(e);
        }
    }

    /**
     * Skips a length-delimited field and returns a read-only view of its bytes in the file; no
     * bytes are copied.
     */
    ByteBuffer readBytesView(int tag, String field) throws IOException {
        expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, field);
        try {
            int length = input.readRawVarint32();
            if (length < 0) {
                throw invalid(field + " has a negative length");
            }
            long start = input.getTotalBytesRead();
            // skipRawBytes fails when the bytes run past the enclosing message, so the view is in bounds.
            input.skipRawBytes(length);
            return file.slice(Math.toIntExact(fileStart + start), length).asReadOnlyBuffer();
        } catch (InvalidProtocolBufferException e) {
            throw malformed(e);
        }
    }

    /** Reads a varint-encoded int64 field. */
    long readInt64(int tag, String field) throws IOException {
        expectWireType(tag, WireFormat.WIRETYPE_VARINT, field);
        try {
            return input.readInt64();
        } catch (InvalidProtocolBufferException e) {
            throw malformed(e);
        }
    }

    /** Reads a varint-encoded int32 or enum field. */
    int readInt32(int tag, String field) throws IOException {
        expectWireType(tag, WireFormat.WIRETYPE_VARINT, field);
        try {
            return input.readInt32();
        } catch (InvalidProtocolBufferException e) {
            throw malformed(e);
        }
    }

    /** Reads a fixed32-encoded float field. */
    float readFloat(int tag, String field) throws IOException {
        return Float.intBitsToFloat(readFixed32(tag, field));
    }

    /** Reads the raw bits of a fixed32 field (a float), without converting them. */
    int readFixed32(int tag, String field) throws IOException {
        expectWireType(tag, WireFormat.WIRETYPE_FIXED32, field);
        try {
            return input.readRawLittleEndian32();
        } catch (InvalidProtocolBufferException e) {
            throw malformed(e);
        }
    }

    /** Reads the raw bits of a fixed64 field (a double), without converting them. */
    long readFixed64(int tag, String field) throws IOException {
        expectWireType(tag, WireFormat.WIRETYPE_FIXED64, field);
        try {
            return input.readRawLittleEndian64();
        } catch (InvalidProtocolBufferException e) {
            throw malformed(e);
        }
    }

    /** Reads one element of a packed varint list; the caller has entered the list with {@link #enterPacked}. */
    long readPackedVarint() throws IOException {
        try {
            return input.readInt64();
        } catch (InvalidProtocolBufferException e) {
            throw malformed(e);
        }
    }

    /** Reads one element of a packed fixed32 list. */
    int readPackedFixed32() throws IOException {
        try {
            return input.readRawLittleEndian32();
        } catch (InvalidProtocolBufferException e) {
            throw malformed(e);
        }
    }

    /** Enters a packed repeated field and returns the limit to pass to {@link #exitMessage(int)}. */
    int enterPacked(int tag, String field) throws IOException {
        return enterMessage(tag, field);
    }

    /** Skips a field this reader does not use. */
    void skipField(int tag) throws IOException {
        try {
            if (!input.skipField(tag)) {
                throw invalid("unexpected end-group tag for field " + WireFormat.getTagFieldNumber(tag));
            }
        } catch (InvalidProtocolBufferException e) {
            throw malformed(e);
        }
    }

    /** Fails unless {@code tag} has the wire type {@code onnx.proto} declares for {@code field}. */
    void expectWireType(int tag, int wireType, String field) throws InvalidOnnxException {
        int actual = WireFormat.getTagWireType(tag);
        if (actual != wireType) {
            throw invalid(field + " has protobuf wire type " + actual + ", but onnx.proto declares wire type "
                    + wireType + "; the file is corrupt or not an ONNX model");
        }
    }

    /** Returns an exception for a file whose content breaks an ONNX rule, naming the offset. */
    InvalidOnnxException invalid(String problem) {
        return new InvalidOnnxException(source, problem + " (at byte " + offset() + ")");
    }

    private InvalidOnnxException malformed(InvalidProtocolBufferException cause) {
        return new InvalidOnnxException(source, "is not a valid ONNX protobuf at byte " + offset() + ": "
                + cause.getMessage() + " The file is truncated, corrupt or not an ONNX model.", cause);
    }
}
