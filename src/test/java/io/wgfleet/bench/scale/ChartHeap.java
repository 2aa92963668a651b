package io.wgfleet.bench.scale;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The heap the chart gives the operator: its memory limit x heapPercentage / 100, the
 * -XX:MaxRAMPercentage the chart passes (the JVM reads the container's limit). Read from
 * the chart's values, so that the benchmark measures the operator as it is installed.
 */
record ChartHeap(String limit, int percent) {

    static final Path VALUES = Path.of("helm", "wgfleet", "values.yaml");

    @SuppressWarnings("unchecked")
    static ChartHeap read() throws IOException {
        Map<String, Object> values = new KubernetesSerialization().unmarshal(Files.readString(VALUES), Map.class);
        Map<String, Object> limits = (Map<String, Object>) ((Map<String, Object>) values.get("resources")).get("limits");
        return new ChartHeap(String.valueOf(limits.get("memory")), ((Number) values.get("heapPercentage")).intValue());
    }

    /** The -Xmx value in MiB, e.g. "320m". */
    String xmx() {
        long bytes = Quantity.getAmountInBytes(new Quantity(limit)).longValue();
        return bytes * percent / 100 / (1024 * 1024) + "m";
    }

    @Override
    public String toString() {
        return "-Xmx" + xmx() + ": the chart's limit " + limit + " at heapPercentage " + percent;
    }
}
