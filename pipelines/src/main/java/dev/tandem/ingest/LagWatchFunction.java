package dev.tandem.ingest;

import dev.tandem.kafka.KafkaClientProperties;
import dev.tandem.quality.Breach;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * How far behind its input the streaming job is, per Kafka partition (the key): every
 * {@code checkEvery} of processing time it asks the broker for the partition's end offset and
 * compares it with the last record read. Gauges per partition: {@code tandem.lag.records} (consumer
 * lag), {@code tandem.lag.seconds} (how long ago the broker appended the record being read, when
 * the job is behind; 0 when caught up) and {@code tandem.lag.event_time_seconds} (now minus the
 * newest event time read). When the job is further behind than {@code maxLag}, a {@code
 * max_consumer_lag} breach goes where expectation breaches go (the alerts topic and
 * {@code quality_alerts}), once per episode.
 */
public final class LagWatchFunction extends KeyedProcessFunction<String, PartitionPosition, Breach> {
    public static final String EXPECTATION = "max_consumer_lag";

    private final String bootstrap;
    private final long checkEveryMillis;
    private final long maxLagMillis;

    private transient ValueState<PartitionPosition> last;
    private transient ValueState<Long> nextCheck;
    private transient ValueState<Boolean> alerting;
    private transient Admin admin;
    private transient Map<String, long[]> gauges; // per partition: records, seconds, event-time seconds

    public LagWatchFunction(String bootstrap, Duration checkEvery, Duration maxLag) {
        this.bootstrap = bootstrap;
        this.checkEveryMillis = checkEvery.toMillis();
        this.maxLagMillis = maxLag.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        last = getRuntimeContext().getState(new ValueStateDescriptor<>("last-position", TypeInformation.of(PartitionPosition.class)));
        nextCheck = getRuntimeContext().getState(new ValueStateDescriptor<>("next-check", Types.LONG));
        alerting = getRuntimeContext().getState(new ValueStateDescriptor<>("lag-alerting", Types.BOOLEAN));
        gauges = new ConcurrentHashMap<>();
        admin = Admin.create(KafkaClientProperties.forBootstrap(bootstrap));
    }

    @Override
    public void processElement(PartitionPosition position, Context ctx, Collector<Breach> out) throws Exception {
        PartitionPosition previous = last.value();
        if (previous != null && previous.eventTime > position.eventTime) {
            position.eventTime = previous.eventTime; // the newest event time so far, not the record's
        }
        last.update(position);
        if (nextCheck.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + checkEveryMillis;
            ctx.timerService().registerProcessingTimeTimer(at);
            nextCheck.update(at);
        }
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Breach> out) throws Exception {
        long next = time + checkEveryMillis;
        ctx.timerService().registerProcessingTimeTimer(next);
        nextCheck.update(next);
        PartitionPosition position = last.value();
        Long end = endOffset(position.partition);
        if (end == null) {
            return; // the broker did not answer: the job's own failures say why
        }
        long behind = Math.max(0, end - (position.offset + 1));
        long lagMillis = behind > 0 ? Math.max(0, time - position.appendedAt) : 0;
        long[] values = gauges.computeIfAbsent(position.partition, this::register);
        values[0] = behind;
        values[1] = lagMillis / 1000;
        values[2] = position.eventTime == Long.MIN_VALUE ? 0 : Math.max(0, time - position.eventTime) / 1000;
        boolean over = lagMillis > maxLagMillis;
        if (over && !Boolean.TRUE.equals(alerting.value())) {
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
            out.collect(breach);
        }
        alerting.update(over);
    }

    private long[] register(String partition) {
        long[] values = new long[3];
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("tandem").addGroup("lag").addGroup("partition", partition);
        group.gauge("records", (Gauge<Long>) () -> values[0]);
        group.gauge("seconds", (Gauge<Long>) () -> values[1]);
        group.gauge("event_time_seconds", (Gauge<Long>) () -> values[2]);
        return values;
    }

    /** The partition's end offset ({@code topic-N}), or null when the broker does not answer within a few seconds. */
    private Long endOffset(String partition) {
        int dash = partition.lastIndexOf('-');
        TopicPartition tp = new TopicPartition(partition.substring(0, dash), Integer.parseInt(partition.substring(dash + 1)));
        try {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(5, TimeUnit.SECONDS).offset();
        } catch (Exception noAnswer) {
            return null;
        }
    }

    @Override
    public void close() throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
