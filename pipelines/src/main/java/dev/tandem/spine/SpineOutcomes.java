package dev.tandem.spine;

import dev.tandem.erasure.ErasedEntities;
import dev.tandem.ingest.DeadLetterCounters;
import dev.tandem.ingest.DeadLetters;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * What the spine reader refused goes to the dead letters, counted by reason; rows of erased
 * entities are left out and counted; the rest are asked for their features.
 */
public final class SpineOutcomes extends ProcessFunction<SpineRow, SpineRow> {
    public static final String ROWS_ACCUMULATOR = "tandem-spine-rows";
    public static final String REFUSED_ACCUMULATOR = "tandem-spine-refused";
    public static final String ERASED_ACCUMULATOR = "tandem-spine-erased";

    private final ErasedEntities erased;
    private transient DeadLetterCounters counters;
    private transient LongCounter rows;
    private transient LongCounter refused;
    private transient LongCounter erasedRows;

    public SpineOutcomes(ErasedEntities erased) {
        this.erased = erased;
    }

    @Override
    public void open(OpenContext openContext) {
        counters = new DeadLetterCounters(getRuntimeContext().getMetricGroup().addGroup("spine"));
        rows = getRuntimeContext().getLongCounter(ROWS_ACCUMULATOR);
        refused = getRuntimeContext().getLongCounter(REFUSED_ACCUMULATOR);
        erasedRows = getRuntimeContext().getLongCounter(ERASED_ACCUMULATOR);
    }

    @Override
    public void processElement(SpineRow row, Context ctx, Collector<SpineRow> out) {
        rows.add(1);
        if (row.isRefused()) {
            refused.add(1);
            counters.count(row.deadLetter.reason);
            ctx.output(DeadLetters.TAG, row.deadLetter);
        } else if (erased.covers(row.text)) {
            erasedRows.add(1);
        } else {
            out.collect(row);
        }
    }
}
