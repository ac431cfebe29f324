package dev.sparkformers.udfs;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.Objects;

/** The text of one string column as the pipeline input. */
public final class TextInput implements RowInput {

    private static final long serialVersionUID = 1L;

    private final String textColumn;

    public TextInput(String textColumn) {
        this.textColumn = Objects.requireNonNull(textColumn, "textColumn is null");
    }

    @Override
    public void check(StructType schema) {
        if (!Arrays.asList(schema.fieldNames()).contains(textColumn)) {
            throw new IllegalArgumentException("Input has no text column '" + textColumn + "'; its columns are "
                    + Arrays.toString(schema.fieldNames()));
        }
    }

    @Override
    public String read(Row row) {
        Object value = row.get(row.fieldIndex(textColumn));
        if (value == null) {
            throw new IllegalArgumentException("text is null");
        }
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException("text column '" + textColumn + "' holds a "
                    + value.getClass().getSimpleName() + ", not a string");
        }
        return text;
    }
}
