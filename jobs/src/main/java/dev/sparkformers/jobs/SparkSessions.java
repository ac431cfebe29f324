package dev.sparkformers.jobs;

import dev.sparkformers.runtime.DjlRuntime;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.util.Map;

/**
 * Builds the Spark session of a job so that executors run DJL offline too: the flag is added to
 * {@code spark.executor.extraJavaOptions}, which executors launched after this point read.
 */
public final class SparkSessions {

    private static final String OFFLINE_FLAG = "-D" + DjlRuntime.OFFLINE_PROPERTY + "=true";

    private SparkSessions() {}

    /**
     * Returns the session for {@code appName}.
     *
     * @param master Spark master URL; null keeps what spark-submit set, or {@code local[*]} when
     *     nothing set one
     * @param settings extra Spark settings ({@code --conf key=value})
     */
    public static SparkSession create(String appName, String master, Map<String, String> settings) {
        DjlRuntime.ensureOffline();
        SparkConf conf = new SparkConf().setAppName(appName);
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        settings.forEach(conf::set);
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        for (String key : new String[] {"spark.executor.extraJavaOptions", "spark.driver.extraJavaOptions"}) {
            String options = conf.get(key, "");
            if (!options.contains(OFFLINE_FLAG)) {
                conf.set(key, (options + " " + OFFLINE_FLAG).trim());
            }
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
