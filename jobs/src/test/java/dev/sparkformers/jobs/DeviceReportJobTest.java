package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.List;

/** The device report in local mode, where Spark assigns no GPUs. */
class DeviceReportJobTest {

    @Test
    void localTasksRunOnTheCpu() {
        List<Row> rows = DeviceReportJob.run(LocalSpark.get(), 4, 10, "auto").orderBy("partition").collectAsList();

        assertEquals(4, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            assertEquals(i, row.getInt(row.fieldIndex("partition")));
            assertEquals("driver", row.getString(row.fieldIndex("executor_id")));
            assertTrue(row.getList(row.fieldIndex("gpu_addresses")).isEmpty());
            assertEquals("cpu()", row.getString(row.fieldIndex("device")));
        }
    }

    @Test
    void gpuPolicyWithoutGpuFails() {
        Exception e = assertThrows(Exception.class, () -> DeviceReportJob.run(LocalSpark.get(), 1, 0, "gpu").count());
        assertTrue(String.valueOf(e.getMessage()).contains("spark.task.resource.gpu.amount"), e.getMessage());
    }
}
