package dev.sparkformers.jobs;

import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the rows that jobs send through the model: the sum of every finished task's update of
 * the {@code sparkformers.rows} accumulator that the pipeline function adds to once per row. A
 * stage that ran the model twice over the same rows would count them twice.
 */
final class ForwardedRows extends SparkListener implements AutoCloseable {

    /** Name that {@code RunCounters.register} gives the row accumulator. */
    private static final String ROWS_ACCUMULATOR = "sparkformers.rows";

    private final SparkSession spark;
    private final AtomicLong rows = new AtomicLong();
    private long read;

    private ForwardedRows(SparkSession spark) {
        this.spark = spark;
    }

    /** Starts counting the rows of every job that {@code spark} runs from now on. */
    static ForwardedRows listen(SparkSession spark) {
        ForwardedRows listener = new ForwardedRows(spark);
        spark.sparkContext().addSparkListener(listener);
        return listener;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        scala.collection.Iterator<AccumulableInfo> updates = taskEnd.taskInfo().accumulables().iterator();
        while (updates.hasNext()) {
            AccumulableInfo info = updates.next();
            if (info.name().isDefined() && info.name().get().equals(ROWS_ACCUMULATOR) && info.update().isDefined()) {
                rows.addAndGet(((Number) info.update().get()).longValue());
            }
        }
    }

    /** Returns the rows forwarded since the previous call, after Spark has delivered every pending event. */
    long sinceLastRead() throws TimeoutException {
        // Spark delivers listener events on its own thread, possibly after the job that caused them has returned.
        spark.sparkContext().listenerBus().waitUntilEmpty();
        long total = rows.get();
        long result = total - read;
        read = total;
        return result;
    }

    @Override
    public void close() {
        spark.sparkContext().removeSparkListener(this);
    }
}
