package dev.tandem.ingest;

import dev.tandem.spec.CompiledSpec;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time for a source of {@link Ingested} records, made per partition inside the source
 * reader: each partition's watermark trails the newest clean event read from it by the spec's
 * {@code max_out_of_orderness} (the lateness rule's bound), and the source's watermark is the least
 * of its partitions'. Dead letters never move it, so neither an unreadable record nor one from the
 * far future can; an admitted event is never behind the combined watermark. A partition silent for
 * {@code idleness} stops holding the others back.
 */
public final class IngestionWatermarks {
    private IngestionWatermarks() {}

    public static WatermarkStrategy<Ingested> of(CompiledSpec spec) {
        long bound = spec.maxOutOfOrdernessMillis;
        WatermarkStrategy<Ingested> strategy = WatermarkStrategy.<Ingested>forGenerator(context -> new BehindNewestEvent(bound))
                .withTimestampAssigner(EVENT_TIME);
        return strategy.withIdleness(Duration.ofMillis(spec.idlenessMillis));
    }

    /**
     * Event time that only ends: events carry their times, and the one watermark is the end of
     * the input. For bounded files in streaming mode, whose reader takes one file after another: a
     * watermark made while reading the first file would pass every event of the next. Every event
     * then waits in state until the input is read, and is processed in the same order as in batch.
     */
    public static WatermarkStrategy<Ingested> atEndOfInput() {
        return WatermarkStrategy.<Ingested>noWatermarks().withTimestampAssigner(EVENT_TIME);
    }

    private static final org.apache.flink.api.common.eventtime.SerializableTimestampAssigner<Ingested> EVENT_TIME =
            (record, previous) -> record.isEvent() ? record.event.eventTime : previous;

    /** Bounded out-of-orderness over clean events only. */
    static final class BehindNewestEvent implements WatermarkGenerator<Ingested> {
        private final long bound;
        private long newest = Long.MIN_VALUE;

        BehindNewestEvent(long bound) {
            this.bound = bound;
        }

        @Override
        public void onEvent(Ingested record, long timestamp, WatermarkOutput output) {
            if (record.isEvent()) {
                newest = Math.max(newest, record.event.eventTime);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            if (newest != Long.MIN_VALUE) {
                output.emitWatermark(new Watermark(newest - bound - 1));
            }
        }
    }
}
