package dev.sparkformers.udfs.ml;

import dev.sparkformers.pipelines.ChunkAggregation;
import dev.sparkformers.pipelines.EmbeddingClassificationPipeline;
import dev.sparkformers.pipelines.TextClassificationPipeline;
import dev.sparkformers.pipelines.TokenWindows;
import dev.sparkformers.udfs.ClassificationColumns;
import dev.sparkformers.udfs.OutputColumns;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Spark ML Transformer that classifies a text column, as the classify job does: with the
 * model's sequence-classification head, or, when {@code labels} contains the text of a labels file,
 * by nearest centroid with a sentence-embedding model. It adds the predicted label (default column
 * {@code label}), its score ({@code score}) and the {@code map<string,float>} of the top
 * {@code topK} labels' scores ({@code scores}; 0 for every label). An empty column name leaves
 * that column out. With {@code chunkLongTexts}, a long text's class scores combine its windows'
 * scores by {@code chunkAggregation}. The labels text is saved with the stage; the model is saved
 * by location.
 */
public class TextClassifier extends TextPipelineStage {

    private static final long serialVersionUID = 1L;

    private final Param<String> outputCol;
    private final Param<String> scoreCol;
    private final Param<String> scoresCol;
    private final Param<String> labels;
    private final IntParam topK;
    private final Param<String> chunkAggregation;

    public TextClassifier() {
        this(Identifiable$.MODULE$.randomUID("textClassifier"));
    }

    public TextClassifier(String uid) {
        super(uid);
        this.outputCol = new Param<>(this, "outputCol", "column for the predicted label");
        this.scoreCol = new Param<>(this, "scoreCol", "column for the predicted label's score; empty for none");
        this.scoresCol = new Param<>(this, "scoresCol", "column for the map of label scores; empty for none");
        this.labels = new Param<>(this, "labels", "text of a labels file (YAML or JSON) for nearest-centroid "
                + "classification with an embedding model; empty to use the model's classification head");
        this.topK = new IntParam(this, "topK", "labels in the scores column, best first; 0 for all",
                ParamValidators.gtEq(0));
        this.chunkAggregation = new Param<>(this, "chunkAggregation", "with chunkLongTexts: mean or max, how the "
                + "class scores of a text's windows are combined",
                ParamValidators.inArray(new String[] {"mean", "max"}));
        setDefault(outputCol, "label");
        setDefault(scoreCol, "score");
        setDefault(scoresCol, "scores");
        setDefault(labels, "");
        setDefault(topK, 0);
        setDefault(chunkAggregation, "mean");
    }

    /** Reads a saved stage: Spark ML's loaders call this method by reflection. */
    public static MLReader<TextClassifier> read() {
        return new DefaultParamsReader<>();
    }

    /** Loads a stage saved with {@code save(path)}. */
    public static TextClassifier load(String path) {
        return read().load(path);
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> scoreCol() {
        return scoreCol;
    }

    public Param<String> scoresCol() {
        return scoresCol;
    }

    public Param<String> labels() {
        return labels;
    }

    public IntParam topK() {
        return topK;
    }

    public Param<String> chunkAggregation() {
        return chunkAggregation;
    }

    public TextClassifier setInputCol(String value) {
        set(inputCol(), value);
        return this;
    }

    public TextClassifier setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    public TextClassifier setScoreCol(String value) {
        set(scoreCol, value);
        return this;
    }

    public TextClassifier setScoresCol(String value) {
        set(scoresCol, value);
        return this;
    }

    public TextClassifier setModel(String value) {
        set(model(), value);
        return this;
    }

    public TextClassifier setLabels(String value) {
        set(labels, value);
        return this;
    }

    public TextClassifier setTopK(int value) {
        set(topK, value);
        return this;
    }

    public TextClassifier setBatchTokens(int value) {
        set(batchTokens(), value);
        return this;
    }

    public TextClassifier setMaxLength(int value) {
        set(maxLength(), value);
        return this;
    }

    public TextClassifier setChunkLongTexts(boolean value) {
        set(chunkLongTexts(), value);
        return this;
    }

    public TextClassifier setChunkWindow(int value) {
        set(chunkWindow(), value);
        return this;
    }

    public TextClassifier setChunkStride(int value) {
        set(chunkStride(), value);
        return this;
    }

    public TextClassifier setChunkAggregation(String value) {
        set(chunkAggregation, value);
        return this;
    }

    public TextClassifier setErrorCol(String value) {
        set(errorCol(), value);
        return this;
    }

    public TextClassifier setDevice(String value) {
        set(device(), value);
        return this;
    }

    /** Sets the weights' type: float32 (the default), float16 on GPU executors only, or auto. */
    public TextClassifier setDtype(String value) {
        set(dtype(), value);
        return this;
    }

    @Override
    protected String task() {
        return getString(labels).isEmpty() ? TextClassificationPipeline.TASK : EmbeddingClassificationPipeline.TASK;
    }

    @Override
    protected OutputColumns<?> outputColumns() {
        return new ClassificationColumns();
    }

    @Override
    protected List<String> outputNames() {
        return Arrays.asList(nameOrNull(outputCol), nameOrNull(scoreCol), nameOrNull(scoresCol));
    }

    private String nameOrNull(Param<String> param) {
        String name = getString(param);
        return name.isEmpty() ? null : name;
    }

    @Override
    protected Map<String, String> parameters() {
        Map<String, String> parameters = super.parameters();
        int k = getInt(topK);
        parameters.put("top_k", k == 0 ? "all" : Integer.toString(k));
        if (parameters.containsKey(TokenWindows.CHUNK_LONG_TEXTS)) {
            parameters.put(ChunkAggregation.PARAMETER, getString(chunkAggregation));
        }
        return parameters;
    }

    @Override
    protected Map<String, String> handleSettings() {
        Map<String, String> settings = super.handleSettings();
        if (!getString(labels).isEmpty()) {
            settings.put(EmbeddingClassificationPipeline.LABELS_SETTING, getString(labels));
        }
        return settings;
    }
}
