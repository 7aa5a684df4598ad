package dev.tandem.ingest;

import dev.tandem.kafka.KafkaClientProperties;
import dev.tandem.quality.Breach;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * How far behind its input the streaming job is, per Kafka partition, watched where the partition
 * is read: chained behind the source, each subtask keeps the position of the partitions it reads
 * (on the heap: no shuffle, no state per record) and every {@code checkEvery} of processing time
 * asks the broker for their end offsets in one call. Gauges per partition: {@code
 * tandem.lag.records} (consumer lag), {@code tandem.lag.seconds} (how long ago the broker appended
 * the record being read, when the job is behind; 0 when caught up) and {@code
 * tandem.lag.event_time_seconds} (now minus the newest event time read). When the job is further
 * behind than {@code maxLag}, a {@code max_consumer_lag} breach goes where expectation breaches go
 * (the alerts topic and {@code quality_alerts}), once per episode (an episode in progress when the
 * job restarts is reported again).
 */
public final class LagWatchOperator extends AbstractStreamOperator<Breach> implements OneInputStreamOperator<Ingested, Breach> {
    public static final String EXPECTATION = "max_consumer_lag";

    private final String bootstrap;
    private final long checkEveryMillis;
    private final long maxLagMillis;

    private transient Map<String, Position> positions;
    private transient Map<String, long[]> gauges; // per partition: records, seconds, event-time seconds
    private transient Set<String> alerting;
    private transient Admin admin;

    public LagWatchOperator(String bootstrap, Duration checkEvery, Duration maxLag) {
        this.bootstrap = bootstrap;
        this.checkEveryMillis = checkEvery.toMillis();
        this.maxLagMillis = maxLag.toMillis();
    }

    @Override
    public void open() throws Exception {
        super.open();
        positions = new HashMap<>();
        gauges = new HashMap<>();
        alerting = new HashSet<>();
        admin = Admin.create(KafkaClientProperties.forBootstrap(bootstrap));
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + checkEveryMillis, this::check);
    }

    @Override
    public void processElement(StreamRecord<Ingested> element) {
        Ingested record = element.getValue();
        Position position = positions.computeIfAbsent(record.partition, Position::new);
        position.offset = record.offset;
        position.appendedAt = record.appendedAt;
        if (record.isEvent()) {
            position.eventTime = Math.max(position.eventTime, record.event.eventTime);
        }
    }

    /** How far this subtask has read a partition: the last record's offset and append time, the newest event time. */
    private static final class Position {
        final String partition;
        long offset = -1;
        long appendedAt = -1;
        long eventTime = Long.MIN_VALUE;

        Position(String partition) {
            this.partition = partition;
        }
    }

    /** Compares each partition's position with its end offset, and schedules the next check. */
    private void check(long time) {
        getProcessingTimeService().registerTimer(time + checkEveryMillis, this::check);
        if (positions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetSpec> asked = new HashMap<>();
        positions.keySet().forEach(p -> asked.put(topicPartition(p), OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends;
        try {
            ends = admin.listOffsets(asked).all().get(5, TimeUnit.SECONDS);
        } catch (Exception noAnswer) {
            return; // the broker did not answer: the job's own failures say why
        }
        for (Position position : positions.values()) {
            var end = ends.get(topicPartition(position.partition));
            if (end != null) {
                watch(position, end.offset(), time);
            }
        }
    }

    private void watch(Position position, long end, long time) {
        long behind = Math.max(0, end - (position.offset + 1));
        long lagMillis = behind > 0 ? Math.max(0, time - position.appendedAt) : 0;
        long[] values = gauges.computeIfAbsent(position.partition, this::register);
        values[0] = behind;
        values[1] = lagMillis / 1000;
        values[2] = position.eventTime == Long.MIN_VALUE ? 0 : Math.max(0, time - position.eventTime) / 1000;
        boolean over = lagMillis > maxLagMillis;
        if (over && alerting.add(position.partition)) {
            Breach breach = new Breach();
            breach.windowStart = time;
            breach.windowEnd = time;
            breach.expectation = EXPECTATION;
            breach.column = position.partition;
            breach.observed = lagMillis / 1000.0;
            breach.limit = maxLagMillis / 1000.0;
            breach.message = "the job is " + behind + " records behind on " + position.partition + ": reading what was appended "
                    + lagMillis / 1000 + " s ago (at " + Instant.ofEpochMilli(position.appendedAt) + "), over the bound of "
                    + maxLagMillis / 1000 + " s";
            output.collect(new StreamRecord<>(breach));
        } else if (!over) {
            alerting.remove(position.partition);
        }
    }

    private long[] register(String partition) {
        long[] values = new long[3];
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("tandem").addGroup("lag").addGroup("partition", partition);
        group.gauge("records", (Gauge<Long>) () -> values[0]);
        group.gauge("seconds", (Gauge<Long>) () -> values[1]);
        group.gauge("event_time_seconds", (Gauge<Long>) () -> values[2]);
        return values;
    }

    /** A source partition's name ({@code topic-N}) as a Kafka topic partition. */
    private static TopicPartition topicPartition(String partition) {
        int dash = partition.lastIndexOf('-');
        return new TopicPartition(partition.substring(0, dash), Integer.parseInt(partition.substring(dash + 1)));
    }

    @Override
    public void close() throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
        super.close();
    }
}
