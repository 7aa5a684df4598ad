package dev.tandem.ingest;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.CurrencyConverter;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses, validates, cleans and pseudonymises raw records; refusals go to {@link DeadLetters#TAG},
 * placed in event time at the newest event accepted so far (a refused record's own time may be
 * unreadable, far in the future or long past), so quality windows count them where they arrived.
 */
public final class CleaningFunction<T> extends ProcessFunction<T, CleanEvent> implements CheckpointedFunction {
    private final CompiledSpec spec;
    private final String piiSecret;
    private final RecordFormat<T> format;

    private transient RecordCleaner cleaner;
    private transient DeadLetterCounters counters;
    private transient long newestEventTime;
    private transient ListState<Long> newestState;

    public CleaningFunction(CompiledSpec spec, String piiSecret, RecordFormat<T> format) {
        this.spec = spec;
        this.piiSecret = piiSecret;
        this.format = format;
    }

    @Override
    public void open(OpenContext openContext) {
        cleaner = new RecordCleaner(spec, piiSecret, CurrencyConverter.defaultTable(), System::currentTimeMillis);
        counters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(T record, Context ctx, Collector<CleanEvent> out) {
        RecordCleaner.Outcome outcome = format.clean(cleaner, record);
        if (outcome.event() != null) {
            Long appended = ctx.timestamp(); // Kafka's record timestamp; none for files
            outcome.event().ingestTime = appended == null ? -1 : appended;
            newestEventTime = Math.max(newestEventTime, outcome.event().eventTime);
            out.collect(outcome.event());
        } else {
            counters.count(outcome.deadLetter().reason);
            ctx.output(DeadLetters.TAG, outcome.deadLetter().observedAt(newestEventTime));
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        newestEventTime = Long.MIN_VALUE;
        newestState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("newest-clean-event-time", Types.LONG));
        for (Long newest : newestState.get()) {
            newestEventTime = Math.max(newestEventTime, newest);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        newestState.update(List.of(newestEventTime));
    }
}
