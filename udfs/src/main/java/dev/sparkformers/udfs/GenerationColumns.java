package dev.sparkformers.udfs;

import dev.sparkformers.pipelines.GeneratedText;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.List;

/**
 * The columns of a generated continuation: {@code generated_text} (string), {@code generated_ids}
 * ({@code array<bigint>}, the new token ids) and {@code finish_reason} ({@code eos} or
 * {@code length}). The generate job writes one continuation per prompt.
 */
public final class GenerationColumns implements OutputColumns<List<GeneratedText>> {

    private static final long serialVersionUID = 1L;

    /** Column with the prompt and new text, or the new text alone. */
    public static final String GENERATED_TEXT = "generated_text";

    /** Column with the new token ids. */
    public static final String GENERATED_IDS = "generated_ids";

    /** Column with why generation stopped. */
    public static final String FINISH_REASON = "finish_reason";

    @Override
    public List<StructField> fields() {
        return List.of(DataTypes.createStructField(GENERATED_TEXT, DataTypes.StringType, true),
                DataTypes.createStructField(GENERATED_IDS, DataTypes.createArrayType(DataTypes.LongType, false), true),
                DataTypes.createStructField(FINISH_REASON, DataTypes.StringType, true));
    }

    @Override
    public void write(List<GeneratedText> value, Object[] row, int offset) {
        if (value.size() != 1) {
            throw new IllegalStateException("The generate job writes one sequence per prompt, but got "
                    + value.size() + "; leave num_return_sequences at 1");
        }
        GeneratedText generated = value.get(0);
        row[offset] = generated.generatedText();
        row[offset + 1] = generated.generatedIds();
        row[offset + 2] = generated.finishReason();
    }
}
