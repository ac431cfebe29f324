package dev.sparkformers.jobs;

import org.apache.spark.sql.SparkSession;

import java.util.Map;

/** One local Spark session per test JVM, bound to 127.0.0.1, with two task threads. */
final class LocalSpark {

    private static SparkSession session;

    private LocalSpark() {}

    static synchronized SparkSession get() {
        // A command run in a test stops its session when the job ends; the next test gets a new one.
        if (session == null || session.sparkContext().isStopped()) {
            session = SparkSessions.create("sparkformers-tests", "local[2]",
                    Map.of("spark.sql.shuffle.partitions", "4", "spark.ui.enabled", "false"));
        }
        return session;
    }
}
