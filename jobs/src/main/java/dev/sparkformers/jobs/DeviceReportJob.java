package dev.sparkformers.jobs;

import dev.sparkformers.udfs.TaskDevices;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Runs short tasks that report where Spark placed them and which device {@link TaskDevices} picks
 * for each: executor, host, the GPU addresses Spark assigned to the task, and the DJL device a model
 * would run on. No model is loaded, so it checks GPU scheduling on a cluster without a GPU run.
 */
public final class DeviceReportJob {

    /** Columns of the report, one row per task. */
    public static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("partition", DataTypes.IntegerType, false),
            DataTypes.createStructField("executor_id", DataTypes.StringType, false),
            DataTypes.createStructField("host", DataTypes.StringType, false),
            DataTypes.createStructField("gpu_addresses", DataTypes.createArrayType(DataTypes.StringType), false),
            DataTypes.createStructField("device", DataTypes.StringType, false)));

    private static final Logger LOG = LoggerFactory.getLogger(DeviceReportJob.class);

    private DeviceReportJob() {}

    /**
     * Runs {@code tasks} tasks that each hold their slot for {@code taskMillis}, so that concurrent
     * tasks spread over the executors, and returns one row per task.
     *
     * @param policy the device policy the tasks resolve: {@code auto}, {@code cpu} or {@code gpu}
     */
    public static Dataset<Row> run(SparkSession spark, int tasks, long taskMillis, String policy) {
        if (tasks < 1) {
            throw new IllegalArgumentException("--tasks must be positive, but is " + tasks);
        }
        LOG.info("Reporting devices of {} tasks holding their slot for {} ms each, device policy {}", tasks,
                taskMillis, policy);
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Integer> partitions = IntStream.range(0, tasks).boxed().toList();
        Function<Integer, Row> report = partition -> describeTask(partition, taskMillis, policy);
        List<Row> rows = context.parallelize(partitions, tasks).map(report).collect();
        return spark.createDataFrame(new ArrayList<>(rows), SCHEMA);
    }

    private static Row describeTask(int partition, long taskMillis, String policy) throws InterruptedException {
        Thread.sleep(taskMillis);
        TaskContext task = TaskContext.get();
        ResourceInformation gpus = task.resources().get("gpu").getOrElse(() -> null);
        List<String> addresses = gpus == null ? List.of() : Arrays.asList(gpus.addresses());
        String device = TaskDevices.scheduledForCurrentTask(policy).toString();
        SparkEnv env = SparkEnv.get();
        return RowFactory.create(partition, env.executorId(), env.blockManager().blockManagerId().host(),
                addresses, device);
    }
}
