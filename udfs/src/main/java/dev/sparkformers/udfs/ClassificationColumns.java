package dev.sparkformers.udfs;

import dev.sparkformers.pipelines.Classification;
import dev.sparkformers.pipelines.LabelScore;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.List;

/**
 * The columns of a classification: {@code label} (string), {@code score} (float) and
 * {@code scores} ({@code map<string,float>}). {@code scores} contains the labels of the call's
 * {@code top_k} (every label when it asks for all) with their scores; a map has no order, so the
 * ranking is by value.
 */
public final class ClassificationColumns implements OutputColumns<Classification> {

    private static final long serialVersionUID = 1L;

    /** Column with the predicted label. */
    public static final String LABEL = "label";

    /** Column with the predicted label's score. */
    public static final String SCORE = "score";

    /** Column with the scores of the returned labels. */
    public static final String SCORES = "scores";

    @Override
    public List<StructField> fields() {
        return List.of(DataTypes.createStructField(LABEL, DataTypes.StringType, true),
                DataTypes.createStructField(SCORE, DataTypes.FloatType, true),
                DataTypes.createStructField(SCORES,
                        DataTypes.createMapType(DataTypes.StringType, DataTypes.FloatType, false), true));
    }

    @Override
    public void write(Classification value, Object[] row, int offset) {
        row[offset] = value.label();
        row[offset + 1] = value.score();
        row[offset + 2] = scores(value);
    }

    /** The returned labels and their scores, as the {@code scores} column stores them. */
    static scala.collection.Map<String, Float> scores(Classification value) {
        // Spark's row encoder reads map columns as Scala maps. This one is built directly because
        // Scala 2.12 and 2.13 have different Java converters. A LinkedHashMap keeps the predictions' order.
        scala.collection.mutable.LinkedHashMap<String, Float> scores = new scala.collection.mutable.LinkedHashMap<>();
        for (LabelScore prediction : value.predictions()) {
            scores.update(prediction.label(), prediction.score());
        }
        return scores;
    }
}
