package dev.tandem.store;

import dev.tandem.features.EventRow;
import dev.tandem.features.FeatureVector;
import dev.tandem.spec.EventIdOrder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * One entity group's online rows, coalesced: only the newest vector per key within a short window
 * goes on to the upsert (the online store keeps only the newest row per key; the rest would be
 * written and overwritten). Rows are passed on when the window ends, when the buffer is full,
 * before each checkpoint barrier (so a completed checkpoint never leaves a row behind) and at the
 * end of the input. Chained to the group's stage, keyed by the same entity: no state, no shuffle.
 */
public final class NewestRowPerKey extends AbstractStreamOperator<FeatureVector>
        implements OneInputStreamOperator<EventRow, FeatureVector>, ProcessingTimeService.ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    private final int group;
    private final EventIdOrder idOrder;
    private final long windowMillis;
    private final int maxKeys;

    private transient Map<String, FeatureVector> newest;
    private transient boolean windowOpen;

    /**
     * @param window how long a row may wait for a newer one of its key (adds at most that to freshness)
     * @param maxKeys keys buffered at most; a full buffer is passed on at once
     */
    public NewestRowPerKey(int group, EventIdOrder idOrder, Duration window, int maxKeys) {
        this.group = group;
        this.idOrder = idOrder;
        this.windowMillis = window.toMillis();
        this.maxKeys = maxKeys;
    }

    @Override
    public void open() throws Exception {
        super.open();
        newest = new LinkedHashMap<>();
    }

    @Override
    public void processElement(StreamRecord<EventRow> element) {
        FeatureVector vector = element.getValue().vector;
        newest.merge(vector.keys[group], vector, (kept, next) -> isNewer(next, kept) ? next : kept);
        if (newest.size() >= maxKeys) {
            passOn();
        } else if (!windowOpen) {
            windowOpen = true;
            ProcessingTimeService time = getProcessingTimeService();
            time.registerTimer(time.getCurrentProcessingTime() + windowMillis, this);
        }
    }

    /** Newer in (event time, event id), the online store's own order. */
    private boolean isNewer(FeatureVector a, FeatureVector b) {
        return a.eventTime != b.eventTime ? a.eventTime > b.eventTime : idOrder.compare(a.eventId, b.eventId) > 0;
    }

    @Override
    public void onProcessingTime(long time) {
        windowOpen = false;
        passOn();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        passOn();
    }

    @Override
    public void finish() throws Exception {
        passOn();
        super.finish();
    }

    private void passOn() {
        StreamRecord<FeatureVector> record = new StreamRecord<>(null);
        for (FeatureVector vector : newest.values()) {
            output.collect(record.replace(vector));
        }
        newest.clear();
    }
}
