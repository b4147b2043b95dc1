package io.github.emo4j.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class on one local Spark session, stopped with the executor's pipelines when the class ends. */
abstract class LocalSparkTest {
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = Fixtures.spark();
    }

    @AfterAll
    static void stop() {
        spark.stop();
        ExecutorPipelines.closeAll();
    }
}
