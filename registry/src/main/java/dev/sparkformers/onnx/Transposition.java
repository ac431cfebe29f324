package dev.sparkformers.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Transposes a row-major matrix of fixed-width elements by copying bits, so values stay bit-identical. */
final class Transposition {

    private Transposition() {}

    /**
     * Returns the transpose of the {@code rows x columns} matrix in {@code source} as a new
     * little-endian buffer of {@code columns x rows}.
     *
     * @param elementBytes 1, 2, 4 or 8
     */
    static ByteBuffer transpose(ByteBuffer source, int rows, int columns, int elementBytes) {
        long bytes = (long) rows * columns * elementBytes;
        if (source.remaining() != bytes) {
            throw new IllegalArgumentException("Matrix of " + rows + " x " + columns + " elements of " + elementBytes
                    + " bytes needs " + bytes + " bytes, but the buffer has " + source.remaining());
        }
        ByteBuffer in = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        int base = in.position();

        // Walk the output in order so that writes are sequential; reads stride by one input row.
        for (int column = 0; column < columns; column++) {
            for (int row = 0; row < rows; row++) {
                int from = base + (row * columns + column) * elementBytes;
                switch (elementBytes) {
                    case 1 -> out.put(in.get(from));
                    case 2 -> out.putShort(in.getShort(from));
                    case 4 -> out.putInt(in.getInt(from));
                    case 8 -> out.putLong(in.getLong(from));
                    default -> throw new IllegalArgumentException("Unsupported element size " + elementBytes);
                }
            }
        }
        return out.flip();
    }
}
