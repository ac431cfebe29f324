package dev.sparkformers.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.when;

import dev.sparkformers.pipelines.PoolingMode;
import dev.sparkformers.udfs.MetadataParquetFormat;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Incremental embedding of a corpus that grows and changes. Each run embeds only the documents
 * that are new, whose text (by SHA-256) or version changed, or that failed last time. It carries
 * the other embeddings over from the current snapshot, drops documents the input no longer has,
 * and writes a new snapshot of the whole corpus. A changed model or embedding setting re-embeds
 * everything. See {@link SnapshotState} for the layout and the atomic pointer.
 */
public final class IncrementalEmbedJob {

    /** Snapshot column with the SHA-256 of each document's text. */
    public static final String TEXT_SHA256 = "text_sha256";

    private static final Logger LOG = LoggerFactory.getLogger(IncrementalEmbedJob.class);

    private static final String STATUS = "_sparkformers_status";

    private IncrementalEmbedJob() {}

    /**
     * Runs one incremental step.
     *
     * @param options the embed options; {@code output} and {@code mode} are ignored
     * @param stateLocation the state directory (any Hadoop URI)
     * @param versionColumn an input column whose change also triggers re-embedding, or null
     * @return the manifest of the current snapshot after the run
     */
    public static SnapshotManifest run(SparkSession spark, EmbedOptions options, String stateLocation,
            String versionColumn) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        SnapshotState state = new SnapshotState(stateLocation, conf);
        InputFormat format = options.inputFormat() != null ? options.inputFormat() : InputFormat.infer(options.input());

        Dataset<Row> input = JobInputs.read(spark, options.input(), format);
        List<String> carriedIds = new ArrayList<>(options.idColumns());
        JobInputs.checkColumns(input.schema(), options.idColumns(), options.textColumn());
        if (versionColumn != null) {
            JobInputs.checkColumns(input.schema(), List.of(versionColumn), options.textColumn());
            carriedIds.add(versionColumn);
        }
        checkUniqueIds(input, options.idColumns());

        ResolvedModel model = ResolvedModel.resolve(options.model(), conf);
        String fingerprint = settingsFingerprint(options, model);
        Optional<String> current = state.current();
        Optional<SnapshotManifest> previous = current.isPresent()
                ? Optional.of(state.manifest(current.get())) : Optional.empty();
        boolean reuse = previous.isPresent() && previous.get().modelFingerprint().equals(fingerprint);
        if (previous.isPresent() && !reuse) {
            LOG.info("Model or embedding settings changed since {}; re-embedding every document", current.get());
        }

        Dataset<Row> documents = input.withColumn(TEXT_SHA256, sha2(col(options.textColumn()), 256));
        Dataset<Row> classified;
        Dataset<Row> carried = null;
        long deleted = 0;
        if (reuse) {
            Dataset<Row> before = spark.read().parquet(state.snapshotLocation(current.get()));
            classified = classify(documents, before, options.idColumns(), versionColumn).persist();
            // The String[] overload of join, because its Seq parameter has a different type in Scala 2.12 and 2.13.
            String[] idColumns = options.idColumns().toArray(String[]::new);
            carried = before.join(classified.filter(col(STATUS).equalTo("unchanged")).select(ids(options.idColumns())),
                    idColumns, "left_semi");
            deleted = before.join(documents, idColumns, "left_anti").count();
        } else {
            classified = documents.withColumn(STATUS, lit("added")).persist();
        }

        long added = count(classified, "added");
        long changed = count(classified, "changed");
        long retried = count(classified, "retried");
        long unchanged = count(classified, "unchanged");
        if (reuse && added + changed + retried + deleted == 0) {
            LOG.info("Nothing changed since {}; it stays current", current.get());
            classified.unpersist();
            return previous.get();
        }

        String name = prepareSnapshotName(state, current);
        String staging = new Path(stateLocation, "staging/" + name).toString();
        String stagedInput = staging + "/input";
        String embedded = staging + "/embedded";
        List<String> inputColumns = new ArrayList<>(carriedIds);
        inputColumns.add(TEXT_SHA256);
        inputColumns.add(options.textColumn());
        classified.filter(col(STATUS).notEqual("unchanged"))
                .select(inputColumns.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
                .write().mode("overwrite").parquet(stagedInput);
        classified.unpersist();

        List<String> stagedIds = new ArrayList<>(carriedIds);
        stagedIds.add(TEXT_SHA256);
        EmbedOptions deltaOptions = new EmbedOptions(stagedInput, InputFormat.PARQUET, embedded, WriteMode.OVERWRITE,
                options.model(), stagedIds, options.textColumn(), options.maxLength(), options.pooling(),
                options.normalize(), options.tokenEmbeddings(), options.partition(), options.partitions(),
                options.device(), options.dtype(), 1.0, options.chunking(), options.shipModel());
        EmbedJob.run(spark, deltaOptions);

        Dataset<Row> fresh = spark.read().parquet(embedded);
        Dataset<Row> snapshot = carried == null ? fresh : carried.select(columnsOf(fresh)).unionByName(fresh);
        PoolingMode pooling = EmbedJob.pooling(options, model);
        var footer = new java.util.LinkedHashMap<>(EmbedJob.footer(options, model, pooling,
                EmbedJob.normalize(options, model)));
        footer.put("sparkformers.snapshot", name);
        footer.put("sparkformers.settings.sha256", fingerprint);
        snapshot.write()
                .format(MetadataParquetFormat.class.getName())
                .option(MetadataParquetFormat.METADATA_OPTION, MetadataParquetFormat.encode(footer))
                .mode("overwrite")
                .save(state.snapshotLocation(name));

        Dataset<Row> written = spark.read().parquet(state.snapshotLocation(name));
        long total = written.count();
        long failed = written.filter(col("error").isNotNull()).count();
        long expected = documents.count();
        if (total != expected) {
            throw new JobFailedException("Snapshot " + name + " has " + total + " documents but the input has "
                    + expected + "; it was not made current. Run the job again");
        }
        SnapshotManifest manifest = new SnapshotManifest(name, current.orElse(null), UUID.randomUUID().toString(),
                Instant.now().toString(), fingerprint, total, added, changed, unchanged, deleted, retried, failed);
        state.writeManifest(manifest);
        state.moveTo(name);
        org.apache.hadoop.fs.Path stagingPath = new org.apache.hadoop.fs.Path(staging);
        stagingPath.getFileSystem(conf).delete(stagingPath, true);
        LOG.info("Snapshot {} is current: {} documents, {} added, {} changed, {} unchanged, {} deleted, {} retried, "
                + "{} failed", name, total, added, changed, unchanged, deleted, retried, failed);
        return manifest;
    }

    /** Labels each input document added, changed, retried or unchanged against the previous snapshot. */
    private static Dataset<Row> classify(Dataset<Row> documents, Dataset<Row> before, List<String> idColumns,
            String versionColumn) {
        Dataset<Row> previous = before.select(previousColumns(idColumns, versionColumn));
        Column joinCondition = null;
        for (String id : idColumns) {
            Column equal = documents.col(id).equalTo(previous.col("_previous_" + id));
            joinCondition = joinCondition == null ? equal : joinCondition.and(equal);
        }
        Dataset<Row> joined = documents.join(previous, joinCondition, "left_outer");
        Column textChanged = joined.col(TEXT_SHA256).isNull()
                .or(joined.col(TEXT_SHA256).notEqual(joined.col("_previous_hash")));
        Column changed = versionColumn == null ? textChanged
                : textChanged.or(joined.col(versionColumn).eqNullSafe(joined.col("_previous_version")).unary_$bang());
        Column status = when(joined.col("_previous_" + idColumns.get(0)).isNull(), lit("added"))
                .when(joined.col("_previous_error").isNotNull(), lit("retried"))
                .when(changed, lit("changed"))
                .otherwise(lit("unchanged"));
        List<Column> keep = new ArrayList<>();
        for (String column : documents.columns()) {
            keep.add(joined.col(column));
        }
        keep.add(status.as(STATUS));
        return joined.select(keep.toArray(Column[]::new));
    }

    private static Column[] previousColumns(List<String> idColumns, String versionColumn) {
        List<Column> columns = new ArrayList<>();
        for (String id : idColumns) {
            columns.add(col(id).as("_previous_" + id));
        }
        columns.add(col(TEXT_SHA256).as("_previous_hash"));
        columns.add(col("error").as("_previous_error"));
        if (versionColumn != null) {
            columns.add(col(versionColumn).as("_previous_version"));
        }
        return columns.toArray(Column[]::new);
    }

    private static void checkUniqueIds(Dataset<Row> input, List<String> idColumns) {
        List<Row> duplicates = input.groupBy(ids(idColumns)).count().filter(col("count").gt(1)).limit(5)
                .collectAsList();
        if (!duplicates.isEmpty()) {
            throw new IllegalArgumentException("Incremental embedding needs unique ids, but " + idColumns
                    + " repeat in the input, for example " + duplicates + "; deduplicate the input first");
        }
    }

    /** Deletes snapshots newer than the current one, left by runs that did not finish, and names the next. */
    private static String prepareSnapshotName(SnapshotState state, Optional<String> current) throws IOException {
        String next = state.nextName();
        int currentNumber = current.map(n -> Integer.parseInt(n.substring("snapshot-".length()))).orElse(0);
        for (int number = currentNumber + 1; number < Integer.parseInt(next.substring("snapshot-".length())); number++) {
            String abandoned = String.format("snapshot-%05d", number);
            LOG.warn("Deleting {} in {}, left by a run that did not finish", abandoned, state.location());
            state.deleteAbandoned(abandoned);
        }
        return String.format("snapshot-%05d", currentNumber + 1);
    }

    /**
     * SHA-256 over the model's files and every setting that changes embeddings: pooling,
     * normalisation, maximum length, the output value and chunking of long texts (window and stride
     * included).
     */
    static String settingsFingerprint(EmbedOptions options, ResolvedModel model) {
        String settings = String.join("|", model.fingerprint(), EmbedJob.pooling(options, model).configName(),
                Boolean.toString(EmbedJob.normalize(options, model)),
                options.maxLength() == null ? "model" : options.maxLength().toString(),
                options.tokenEmbeddings() ? "token_embeddings" : "sentence_embedding",
                options.chunking().describe());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(settings.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(Dataset<Row> classified, String status) {
        return classified.filter(col(STATUS).equalTo(status)).count();
    }

    private static Column[] ids(List<String> idColumns) {
        return idColumns.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    }

    private static Column[] columnsOf(Dataset<Row> dataset) {
        List<Column> columns = new ArrayList<>();
        for (StructField field : dataset.schema().fields()) {
            columns.add(col(field.name()).cast(field.dataType()));
        }
        return columns.toArray(Column[]::new);
    }
}
