package dev.tandem.ingest;

import dev.tandem.spec.CompiledSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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
        return of(spec.rowSource());
    }

    /** A topic's watermarks, by its source's bound; a partition silent for the source's idleness stops holding them back. */
    public static WatermarkStrategy<Ingested> of(CompiledSpec.EventSource source) {
        long bound = source.maxOutOfOrdernessMillis();
        WatermarkStrategy<Ingested> strategy = WatermarkStrategy.<Ingested>forGenerator(context -> new BehindNewestEvent(bound))
                .withTimestampAssigner(EVENT_TIME);
        return strategy.withIdleness(Duration.ofMillis(source.idlenessMillis()));
    }

    /**
     * Event time for files read in streaming mode, made per file (each file is one split, with its
     * own generator): the file's watermark trails its newest clean event by the bound, as a Kafka
     * partition's does, so the events waiting for it are those of the last bound, not the whole
     * input. A reader takes one file after another, so each file's watermark also stays behind the
     * earliest event of the files handed out after it ({@code limits}, by file name).
     */
    public static WatermarkStrategy<Ingested> perFile(CompiledSpec.EventSource source, Map<String, Long> limits) {
        long bound = source.maxOutOfOrdernessMillis();
        Map<String, Long> byFile = new HashMap<>(limits);
        return WatermarkStrategy.<Ingested>forGenerator(context -> new BehindNewestEvent(bound, byFile)).withTimestampAssigner(EVENT_TIME);
    }

    private static final org.apache.flink.api.common.eventtime.SerializableTimestampAssigner<Ingested> EVENT_TIME =
            (record, previous) -> record.isEvent() ? record.event.eventTime : previous;

    /** Bounded out-of-orderness over clean events only, never past its partition's limit. */
    static final class BehindNewestEvent implements WatermarkGenerator<Ingested> {
        private final long bound;
        private final Map<String, Long> limits;
        private long newest = Long.MIN_VALUE;
        private long limit = Long.MAX_VALUE;

        BehindNewestEvent(long bound) {
            this(bound, Map.of());
        }

        BehindNewestEvent(long bound, Map<String, Long> limits) {
            this.bound = bound;
            this.limits = limits;
        }

        @Override
        public void onEvent(Ingested record, long timestamp, WatermarkOutput output) {
            if (record.isEvent()) {
                if (newest == Long.MIN_VALUE) {
                    limit = limits.getOrDefault(record.partition, Long.MAX_VALUE);
                }
                newest = Math.max(newest, record.event.eventTime);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            if (newest != Long.MIN_VALUE) {
                output.emitWatermark(new Watermark(Math.min(newest - bound - 1, limit)));
            }
        }
    }
}
