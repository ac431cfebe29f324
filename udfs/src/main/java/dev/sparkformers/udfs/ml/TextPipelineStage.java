package dev.sparkformers.udfs.ml;

import dev.sparkformers.pipelines.TokenWindows;
import dev.sparkformers.udfs.ExecutorPipelines;
import dev.sparkformers.udfs.ModelHandle;
import dev.sparkformers.udfs.ModelHandles;
import dev.sparkformers.udfs.ModelLocations;
import dev.sparkformers.udfs.OutputColumns;
import dev.sparkformers.udfs.PartitionSettings;
import dev.sparkformers.udfs.PipelinePartitionFunction;
import dev.sparkformers.udfs.TaskDevices;
import dev.sparkformers.udfs.TextInput;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared part of the Spark ML stages that run a Sparkformers pipeline over a text column:
 * their common Params, and a {@code transform} that keeps every input column and adds the
 * stage's output columns.
 *
 * <p>{@code transform} runs the same partition function as the jobs: rows are read in chunks,
 * sorted by token length, batched by the token budget, and the model is loaded once per executor
 * from the shared cache. A row that fails gets nulls in the output columns and, when
 * {@code errorCol} is set, its reason there. Saving stores the Params, including the model's
 * location, never the weights; a loaded stage resolves the model again when it runs.
 */
public abstract class TextPipelineStage extends Transformer implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> model;
    private final IntParam batchTokens;
    private final IntParam maxBatchSize;
    private final IntParam chunkRows;
    private final IntParam maxLength;
    private final Param<String> device;
    private final Param<String> dtype;
    private final Param<String> errorCol;
    private final BooleanParam chunkLongTexts;
    private final IntParam chunkWindow;
    private final IntParam chunkStride;

    protected TextPipelineStage(String uid) {
        this.uid = uid;
        this.inputCol = new Param<>(this, "inputCol", "column with the texts");
        this.model = new Param<>(this, "model", "checkpoint location: a local path, a Hadoop URI or builtin:NAME");
        this.batchTokens = new IntParam(this, "batchTokens", "padded tokens per model call (rows x longest row)",
                ParamValidators.gtEq(1));
        this.maxBatchSize = new IntParam(this, "maxBatchSize", "rows per model call", ParamValidators.gtEq(1));
        this.chunkRows = new IntParam(this, "chunkRows", "rows a task reads, sorts by length and batches together",
                ParamValidators.gtEq(1));
        this.maxLength = new IntParam(this, "maxLength", "truncate inputs to this many tokens; 0 for the model's",
                ParamValidators.gtEq(0));
        this.device = new Param<>(this, "device", "auto, cpu or gpu",
                ParamValidators.inArray(new String[] {"auto", "cpu", "gpu"}));
        this.dtype = new Param<>(this, "dtype", "floating-point type of the weights: float32, float16 (GPU only) or"
                + " auto (the checkpoint's torch_dtype, float16 only on a GPU)",
                ParamValidators.inArray(new String[] {"float32", "float16", "auto"}));
        this.errorCol = new Param<>(this, "errorCol", "column for the reason a row failed; empty for none");
        this.chunkLongTexts = new BooleanParam(this, "chunkLongTexts", "process texts longer than the maximum length "
                + "in windows and combine the window results, instead of truncating");
        this.chunkWindow = new IntParam(this, "chunkWindow", "with chunkLongTexts: tokens per window, special tokens "
                + "included; 0 for the maximum length", ParamValidators.gtEq(0));
        this.chunkStride = new IntParam(this, "chunkStride", "with chunkLongTexts: tokens that consecutive windows "
                + "share", ParamValidators.gtEq(0));
        setDefault(inputCol, "text");
        setDefault(model, ModelLocations.DEFAULT_EMBEDDING_MODEL);
        setDefault(batchTokens, PartitionSettings.defaults().batchTokens());
        setDefault(maxBatchSize, PartitionSettings.defaults().maxBatchSize());
        setDefault(chunkRows, PartitionSettings.defaults().chunkRows());
        setDefault(maxLength, 0);
        setDefault(device, "auto");
        setDefault(dtype, "float32");
        setDefault(errorCol, "");
        setDefault(chunkLongTexts, false);
        setDefault(chunkWindow, 0);
        setDefault(chunkStride, 0);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> model() {
        return model;
    }

    public IntParam batchTokens() {
        return batchTokens;
    }

    public IntParam maxBatchSize() {
        return maxBatchSize;
    }

    public IntParam chunkRows() {
        return chunkRows;
    }

    public IntParam maxLength() {
        return maxLength;
    }

    public Param<String> device() {
        return device;
    }

    public Param<String> dtype() {
        return dtype;
    }

    public Param<String> errorCol() {
        return errorCol;
    }

    public BooleanParam chunkLongTexts() {
        return chunkLongTexts;
    }

    public IntParam chunkWindow() {
        return chunkWindow;
    }

    public IntParam chunkStride() {
        return chunkStride;
    }

    /** The pipeline task this stage runs. */
    protected abstract String task();

    /** The result columns the pipeline adds, before they are renamed to the stage's output names. */
    protected abstract OutputColumns<?> outputColumns();

    /** The stage's name for each result column, in order; null leaves a column out. */
    protected abstract List<String> outputNames();

    /** Call parameters of the pipeline. */
    protected Map<String, String> parameters() {
        Map<String, String> parameters = new HashMap<>();
        if (getInt(maxLength) > 0) {
            parameters.put("max_length", Integer.toString(getInt(maxLength)));
        }
        if ((Boolean) getOrDefault(chunkLongTexts)) {
            parameters.put(TokenWindows.CHUNK_LONG_TEXTS, "true");
            if (getInt(chunkWindow) > 0) {
                parameters.put(TokenWindows.CHUNK_WINDOW, Integer.toString(getInt(chunkWindow)));
            }
            parameters.put(TokenWindows.CHUNK_STRIDE, Integer.toString(getInt(chunkStride)));
        }
        return parameters;
    }

    /** Handle settings beside the task, device and dtype, such as an embedding classifier's labels. */
    protected Map<String, String> handleSettings() {
        return new HashMap<>();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        String input = getString(inputCol);
        List<String> present = Arrays.asList(schema.fieldNames());
        if (!present.contains(input)) {
            throw new IllegalArgumentException("Input has no column '" + input + "' (inputCol); its columns are "
                    + present);
        }
        if (!schema.apply(input).dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("inputCol '" + input + "' has type "
                    + schema.apply(input).dataType().simpleString() + "; it must hold strings");
        }
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        List<StructField> results = outputColumns().fields();
        List<String> names = outputNames();
        for (int i = 0; i < results.size(); i++) {
            addField(fields, present, names.get(i), results.get(i));
        }
        String error = getString(errorCol);
        if (!error.isEmpty()) {
            addField(fields, present, error, DataTypes.createStructField(error, DataTypes.StringType, true));
        }
        return DataTypes.createStructType(fields);
    }

    private static void addField(List<StructField> fields, List<String> present, String name, StructField field) {
        if (name == null) {
            return;
        }
        if (present.contains(name)) {
            throw new IllegalArgumentException("Output column '" + name + "' already exists in the input; choose "
                    + "another output column name");
        }
        fields.add(DataTypes.createStructField(name, field.dataType(), true, field.metadata()));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        transformSchema(schema);

        Map<String, String> settings = handleSettings();
        settings.put(TaskDevices.DEVICE_SETTING, getString(device));
        settings.put(ExecutorPipelines.DTYPE_SETTING, getString(dtype));
        ModelHandle handle = ModelHandles.resolve(getString(model), task(), settings,
                dataset.sparkSession().sparkContext().hadoopConfiguration());
        Broadcast<ModelHandle> broadcast = dataset.sparkSession().sparkContext().broadcast(handle,
                scala.reflect.ClassTag$.MODULE$.apply(ModelHandle.class));

        // Every input column passes through as an id column, so rows keep all their values.
        List<String> inputColumns = Arrays.asList(schema.fieldNames());
        PartitionSettings partition = new PartitionSettings(getInt(chunkRows), getInt(batchTokens),
                getInt(maxBatchSize));
        PipelinePartitionFunction<?> function = new PipelinePartitionFunction<>(broadcast, schema, inputColumns,
                new TextInput(getString(inputCol)), parameters(), outputColumns(), partition, null);
        Dataset<Row> processed = dataset.toDF().mapPartitions(function, Encoders.row(function.outputSchema()));

        // Rename by position: result columns may share names with input columns until selected.
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < function.outputSchema().size(); i++) {
            positional.add("_c" + i);
        }
        Dataset<Row> renamed = processed.toDF(positional.toArray(new String[0]));
        List<Column> selected = new ArrayList<>();
        for (int i = 0; i < inputColumns.size(); i++) {
            selected.add(functions.col("_c" + i).as(inputColumns.get(i)));
        }
        List<String> names = outputNames();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) != null) {
                selected.add(functions.col("_c" + (inputColumns.size() + i)).as(names.get(i)));
            }
        }
        String error = getString(errorCol);
        if (!error.isEmpty()) {
            int errorIndex = function.outputSchema().size() - 1;
            selected.add(functions.col("_c" + errorIndex).as(error));
        }
        return renamed.select(selected.toArray(new Column[0]));
    }

    @Override
    public Transformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** The value of a string Param, or its default. */
    protected String getString(Param<String> param) {
        return (String) getOrDefault(param);
    }

    /** The value of an integer Param, or its default. */
    protected int getInt(IntParam param) {
        return (Integer) getOrDefault(param);
    }
}
