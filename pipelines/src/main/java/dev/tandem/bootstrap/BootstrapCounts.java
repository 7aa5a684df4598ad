package dev.tandem.bootstrap;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.PartitionTime;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.java.tuple.Tuple2;

/**
 * What the bootstrap writes, counted on the way into the State Processor API's writers as job
 * accumulators (the writers' own runtime context has none: a writer that adds one fails its task
 * silently and the job hangs, Flink 2.3, measured).
 */
final class BootstrapCounts {
    static final String EVENT_IDS = "tandem-bootstrap-event-ids";
    static final String NEWEST_PREFIX = "tandem-bootstrap-newest:";

    private BootstrapCounts() {}

    /** Each admitted event as its id and kept event time, counted. */
    static final class KeptEventTimes extends RichMapFunction<CleanEvent, Tuple2<String, Long>> {
        private transient LongCounter ids;

        @Override
        public void open(OpenContext openContext) {
            ids = new LongCounter();
            getRuntimeContext().addAccumulator(EVENT_IDS, ids);
        }

        @Override
        public Tuple2<String, Long> map(CleanEvent event) {
            ids.add(1L);
            return Tuple2.of(event.eventId, event.eventTime);
        }
    }

    /** Each partition's newest event time, reported as the accumulator {@link #NEWEST_PREFIX} + partition. */
    static final class NewestTimes extends RichMapFunction<PartitionTime, PartitionTime> {
        @Override
        public PartitionTime map(PartitionTime newest) {
            getRuntimeContext().addAccumulator(NEWEST_PREFIX + newest.partition, new LongMaximum(newest.time));
            return newest;
        }
    }
}
