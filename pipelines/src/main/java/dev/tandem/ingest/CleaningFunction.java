package dev.tandem.ingest;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.CurrencyConverter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Parses, validates, cleans and pseudonymises raw records; refusals go to {@link DeadLetters#TAG}. */
public final class CleaningFunction extends ProcessFunction<String, CleanEvent> {
    private final CompiledSpec spec;
    private final String piiSecret;

    private transient RecordCleaner cleaner;
    private transient DeadLetterCounters counters;

    public CleaningFunction(CompiledSpec spec, String piiSecret) {
        this.spec = spec;
        this.piiSecret = piiSecret;
    }

    @Override
    public void open(OpenContext openContext) {
        cleaner = new RecordCleaner(spec, piiSecret, CurrencyConverter.defaultTable(), System::currentTimeMillis);
        counters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(String line, Context ctx, Collector<CleanEvent> out) {
        RecordCleaner.Outcome outcome = cleaner.clean(line);
        if (outcome.event() != null) {
            Long appended = ctx.timestamp(); // Kafka's record timestamp; none for files
            outcome.event().ingestTime = appended == null ? -1 : appended;
            out.collect(outcome.event());
        } else {
            counters.count(outcome.deadLetter().reason);
            ctx.output(DeadLetters.TAG, outcome.deadLetter());
        }
    }
}
