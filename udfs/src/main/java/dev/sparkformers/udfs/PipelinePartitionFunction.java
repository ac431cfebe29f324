package dev.sparkformers.udfs;

import dev.sparkformers.pipelines.Pipeline;
import dev.sparkformers.pipelines.PipelineRunner;
import dev.sparkformers.pipelines.RowResult;
import dev.sparkformers.pipelines.StageParameters;
import dev.sparkformers.pipelines.TokenBudgetBatcher;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Runs a text pipeline over a partition: one output row per input row, in input order, with the
 * input's id columns, the pipeline's result columns, {@code n_tokens}, {@code truncated} and
 * {@code error}.
 *
 * <p>The partition is read in chunks of {@link PartitionSettings#chunkRows()} rows; each chunk goes
 * through {@link PipelineRunner}, which sorts by token length and batches by the token budget. A
 * row whose text is null or not a string, or that fails in any stage, gets an error value and null
 * results; it is never dropped. Embed, classify and generate jobs all run through this class.
 *
 * @param <O> the pipeline's output type
 */
public final class PipelinePartitionFunction<O> implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** Column with the input's token count before truncation. */
    public static final String N_TOKENS = "n_tokens";

    /** Column telling whether the input was truncated. */
    public static final String TRUNCATED = "truncated";

    /** Column with the reason a row failed, null for rows that succeeded. */
    public static final String ERROR = "error";

    private final Broadcast<ModelHandle> model;
    private final StructType inputSchema;
    private final List<String> idColumns;
    private final RowInput input;
    private final Map<String, String> parameters;
    private final OutputColumns<O> outputColumns;
    private final PartitionSettings settings;
    private final RunCounters counters;

    /**
     * @param counters accumulators to count rows, errors and tokens into; may be null
     */
    public PipelinePartitionFunction(Broadcast<ModelHandle> model, StructType inputSchema, List<String> idColumns,
            String textColumn, Map<String, String> parameters, OutputColumns<O> outputColumns,
            PartitionSettings settings, RunCounters counters) {
        this(model, inputSchema, idColumns, new TextInput(textColumn), parameters, outputColumns, settings, counters);
    }

    /**
     * @param input how a row becomes the pipeline's input
     * @param counters accumulators to count rows, errors and tokens into; may be null
     */
    public PipelinePartitionFunction(Broadcast<ModelHandle> model, StructType inputSchema, List<String> idColumns,
            RowInput input, Map<String, String> parameters, OutputColumns<O> outputColumns,
            PartitionSettings settings, RunCounters counters) {
        input.check(inputSchema);
        this.model = model;
        this.inputSchema = inputSchema;
        this.idColumns = List.copyOf(idColumns);
        this.input = input;
        this.parameters = Map.copyOf(parameters);
        this.outputColumns = outputColumns;
        this.settings = settings;
        this.counters = counters;
    }

    /** The schema of the rows this function returns. */
    public StructType outputSchema() {
        List<StructField> fields = new ArrayList<>();
        for (String id : idColumns) {
            fields.add(inputSchema.apply(id));
        }
        fields.addAll(outputColumns.fields());
        fields.add(DataTypes.createStructField(N_TOKENS, DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField(TRUNCATED, DataTypes.BooleanType, false));
        fields.add(DataTypes.createStructField(ERROR, DataTypes.StringType, true));
        return DataTypes.createStructType(fields);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (!rows.hasNext()) {
            return Collections.emptyIterator();
        }
        ExecutorModelCache.Lease<Pipeline<?, ?, ?>> lease = ExecutorPipelines.acquire(model.value());
        TaskContext context = TaskContext.get();
        if (context != null) {
            context.addTaskCompletionListener((TaskCompletionListener) done -> lease.close());
        }
        @SuppressWarnings("unchecked")
        Pipeline<Object, ?, O> pipeline = (Pipeline<Object, ?, O>) lease.value();
        PipelineRunner.BatchListener listener = counters == null ? PipelineRunner.BatchListener.NONE
                : (batchRows, longest, realTokens) -> counters.paddedTokens().add((long) batchRows * longest);
        PipelineRunner<Object, ?, O> runner = new PipelineRunner<>(pipeline,
                new TokenBudgetBatcher(settings.batchTokens(), settings.maxBatchSize()), listener);
        StageParameters stageParameters = pipeline.sanitizeParameters(parameters);

        int[] idIndexes = idColumns.stream().mapToInt(inputSchema::fieldIndex).toArray();
        Iterator<Row> output = new ChunkedIterator<>(rows, settings.chunkRows(),
                chunk -> process(chunk, runner, stageParameters, idIndexes));
        if (context != null) {
            return output;
        }
        return new ClosingIterator<>(output, lease);
    }

    private List<Row> process(List<Row> chunk, PipelineRunner<Object, ?, O> runner, StageParameters stageParameters,
            int[] idIndexes) {
        List<Object> inputs = new ArrayList<>(chunk.size());
        String[] inputErrors = new String[chunk.size()];
        for (int i = 0; i < chunk.size(); i++) {
            Object value = null;
            try {
                value = input.read(chunk.get(i));
            } catch (IllegalArgumentException e) {
                inputErrors[i] = e.getMessage();
            }
            inputs.add(value);
        }

        List<RowResult<O>> results = runner.run(inputs, stageParameters);
        int width = idIndexes.length + outputColumns.fields().size() + 3;
        List<Row> rows = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            Object[] values = new Object[width];
            for (int c = 0; c < idIndexes.length; c++) {
                values[c] = chunk.get(i).get(idIndexes[c]);
            }
            RowResult<O> result = results.get(i);
            String error = inputErrors[i] != null ? inputErrors[i] : result.error();
            if (error == null) {
                outputColumns.write(result.value(), values, idIndexes.length);
            }
            int tail = width - 3;
            values[tail] = result.numTokens();
            values[tail + 1] = result.truncated();
            values[tail + 2] = error;
            rows.add(RowFactory.create(values));
            count(result, error != null);
        }
        return rows;
    }

    private void count(RowResult<O> result, boolean failed) {
        if (counters == null) {
            return;
        }
        counters.rows().add(1);
        if (failed) {
            counters.errors().add(1);
        }
        if (result.truncated()) {
            counters.truncated().add(1);
        }
        counters.modelTokens().add(result.modelTokens());
        counters.inputTokens().add(result.numTokens());
    }

    /** Closes a lease when its iterator is exhausted, for use outside a Spark task. */
    private static final class ClosingIterator<T> implements Iterator<T> {

        private final Iterator<T> delegate;
        private final AutoCloseable resource;
        private boolean closed;

        ClosingIterator(Iterator<T> delegate, AutoCloseable resource) {
            this.delegate = delegate;
            this.resource = resource;
        }

        @Override
        public boolean hasNext() {
            boolean hasNext = delegate.hasNext();
            if (!hasNext && !closed) {
                closed = true;
                try {
                    resource.close();
                } catch (Exception e) {
                    throw new IllegalStateException("Failed to release the model lease", e);
                }
            }
            return hasNext;
        }

        @Override
        public T next() {
            return delegate.next();
        }
    }
}
