package dev.tandem.ingest;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** One Flink counter per refusal reason, under the metric group {@code tandem.dead_letters}. */
public final class DeadLetterCounters {
    private final MetricGroup group;
    private final Map<String, Counter> counters = new HashMap<>();

    public DeadLetterCounters(MetricGroup operatorGroup) {
        this.group = operatorGroup.addGroup("tandem").addGroup("dead_letters");
    }

    public void count(String reason) {
        counters.computeIfAbsent(reason, group::counter).inc();
    }
}
