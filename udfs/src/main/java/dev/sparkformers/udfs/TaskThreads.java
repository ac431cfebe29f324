package dev.sparkformers.udfs;

import org.apache.spark.SparkEnv;

/**
 * How many cores each Spark task may use for its forward passes: the handle's
 * {@value #THREADS_SETTING} setting when given, else {@code spark.task.cpus} (default 1).
 */
final class TaskThreads {

    /** Handle setting that overrides the intra-op threads per task. */
    static final String THREADS_SETTING = "threads";

    private TaskThreads() {}

    static int perTask(ModelHandle handle) {
        String configured = handle.setting(THREADS_SETTING, null);
        if (configured != null) {
            try {
                return Integer.parseInt(configured.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Setting threads must be an integer, but is '" + configured + "'", e);
            }
        }
        SparkEnv env = SparkEnv.get();
        return env == null ? 1 : env.conf().getInt("spark.task.cpus", 1);
    }
}
