package dev.tandem.bootstrap;

import dev.tandem.ingest.DeduplicateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

/**
 * Writes the deduplication state: per event id (the key), the event time of the copy that was
 * kept, with the same state TTL as {@link DeduplicateFunction}, so a copy of a history event sent
 * again on the topic is refused as a duplicate, as it would be by a job that had read the history.
 */
public final class KeptEventTimeWriter extends KeyedStateBootstrapFunction<String, Tuple2<String, Long>> {
    private final long dedupTtlMillis;

    private transient ValueState<Long> keptAt;

    public KeptEventTimeWriter(long dedupTtlMillis) {
        this.dedupTtlMillis = dedupTtlMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        keptAt = getRuntimeContext().getState(DeduplicateFunction.keptAt(dedupTtlMillis));
    }

    @Override
    public void processElement(Tuple2<String, Long> idAndTime, Context ctx) throws Exception {
        keptAt.update(idAndTime.f1);
    }
}
