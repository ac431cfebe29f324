package dev.sparkformers.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sparkformers devices}: shows which executor and GPU each task gets, without loading a model. */
@Command(
        name = "devices",
        mixinStandardHelpOptions = true,
        description = {"Runs short tasks and prints, for each, its executor, host, the GPU addresses Spark assigned"
                + " and the device a model would run on. Checks GPU scheduling (spark.executor.resource.gpu.amount,"
                + " spark.task.resource.gpu.amount) before a long job; loads no model.",
            "Runs in local mode unless --master or spark-submit says otherwise."})
final class DevicesCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--tasks", paramLabel = "N", defaultValue = "8",
            description = "Number of tasks. Default: ${DEFAULT-VALUE}.")
    private int tasks;

    @Option(names = "--task-millis", paramLabel = "MS", defaultValue = "2000",
            description = "How long each task holds its slot, in milliseconds, so that tasks run side by side."
                    + " Default: ${DEFAULT-VALUE}.")
    private long taskMillis;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto",
            description = "Device policy the tasks resolve, as in embed: auto, cpu or gpu. Default: ${DEFAULT-VALUE}.")
    private String device;

    @Option(names = "--output", paramLabel = "URI",
            description = "Also write the report as JSON lines to this directory (replaced if it exists).")
    private String output;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master. Default: what spark-submit set, else local[*].")
    private String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Extra Spark setting; repeatable.")
    private Map<String, String> sparkSettings = new LinkedHashMap<>();

    @Override
    public Integer call() {
        SparkSession spark = SparkSessions.create("sparkformers-devices", master, sparkSettings);
        try {
            Dataset<Row> report = DeviceReportJob.run(spark, tasks, taskMillis, device).cache();
            if (output != null) {
                report.coalesce(1).write().mode("overwrite").json(output);
            }
            spec.commandLine().getOut().println("partition executor host gpu_addresses device");
            for (Row row : report.orderBy("partition").collectAsList()) {
                spec.commandLine().getOut().printf("%d %s %s %s %s%n", row.getInt(0), row.getString(1),
                        row.getString(2), row.getList(3), row.getString(4));
            }
            return 0;
        } finally {
            spark.stop();
        }
    }
}
