package dev.sparkformers.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;

import scala.Tuple2;

import java.util.Map;

/**
 * The Hadoop configuration of a command that reads or writes files without a Spark session: the
 * {@code spark.hadoop.*} settings of this JVM's Spark configuration (what spark-submit set), then
 * those of the command line's {@code --conf} pairs, with the prefix removed, as Spark does.
 */
final class HadoopSettings {

    private static final String PREFIX = "spark.hadoop.";

    private HadoopSettings() {}

    /** Builds Hadoop's default configuration with the {@code spark.hadoop.*} settings applied. */
    static Configuration configuration(Map<String, String> sparkSettings) {
        Configuration conf = new Configuration();
        for (Tuple2<String, String> setting : new SparkConf().getAll()) {
            copyHadoopSetting(setting._1(), setting._2(), conf);
        }
        sparkSettings.forEach((key, value) -> copyHadoopSetting(key, value, conf));
        return conf;
    }

    private static void copyHadoopSetting(String key, String value, Configuration conf) {
        if (key.startsWith(PREFIX)) {
            conf.set(key.substring(PREFIX.length()), value);
        }
    }
}
