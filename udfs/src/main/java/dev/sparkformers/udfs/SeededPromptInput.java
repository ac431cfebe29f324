package dev.sparkformers.udfs;

import dev.sparkformers.pipelines.Prompt;
import dev.sparkformers.pipelines.Seeds;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.util.List;
import java.util.Objects;

/**
 * A text column as a generation {@link Prompt} whose seed is derived from a job seed and the row's
 * id columns ({@link Seeds#forKey}), so that sampling gives each row the same output however the
 * input is partitioned or batched.
 */
public final class SeededPromptInput implements RowInput {

    private static final long serialVersionUID = 1L;

    /** Separates id values in the seed key; a control character that ids rarely contain. */
    private static final char SEPARATOR = '\u001f';

    private final TextInput text;
    private final List<String> idColumns;
    private final long seed;

    /**
     * @param idColumns the columns whose values identify a row; their string forms make the key
     * @param seed the job seed
     */
    public SeededPromptInput(String textColumn, List<String> idColumns, long seed) {
        this.text = new TextInput(textColumn);
        this.idColumns = List.copyOf(idColumns);
        this.seed = seed;
        if (this.idColumns.isEmpty()) {
            throw new IllegalArgumentException("Seeded prompts need at least one id column to derive row seeds from");
        }
    }

    @Override
    public void check(StructType schema) {
        text.check(schema);
        for (String column : idColumns) {
            Objects.requireNonNull(schema.apply(column), column);
        }
    }

    @Override
    public Prompt read(Row row) {
        StringBuilder key = new StringBuilder();
        for (String column : idColumns) {
            if (key.length() > 0) {
                key.append(SEPARATOR);
            }
            key.append(row.get(row.fieldIndex(column)));
        }
        return Prompt.of(text.read(row), Seeds.forKey(seed, key.toString()));
    }
}
