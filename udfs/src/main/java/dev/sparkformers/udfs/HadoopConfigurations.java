package dev.sparkformers.udfs;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;

/** The Hadoop configuration of the running Spark application, with its {@code spark.hadoop.*} settings. */
final class HadoopConfigurations {

    private HadoopConfigurations() {}

    /** On a driver or executor, Spark's configuration; elsewhere, Hadoop's defaults. */
    static Configuration current() {
        SparkEnv env = SparkEnv.get();
        if (env == null) {
            return new Configuration();
        }
        return SparkHadoopUtil.get().newConfiguration(env.conf());
    }
}
