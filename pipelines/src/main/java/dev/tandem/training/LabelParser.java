package dev.tandem.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.ingest.DeadLetter;
import dev.tandem.ingest.DeadLetterCounters;
import dev.tandem.ingest.DeadLetters;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.Cleaned;
import dev.tandem.udfs.logic.Masking;
import dev.tandem.udfs.logic.TimestampParser;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Reads label records (JSON lines); unreadable ones are dead letters of stage {@code labels}. */
public final class LabelParser extends ProcessFunction<String, LabelEvent> {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CompiledSpec.Labels labels;
    private final boolean numericIds;

    private transient DeadLetterCounters counters;

    public LabelParser(CompiledSpec spec) {
        this.labels = spec.labels;
        this.numericIds = spec.eventIdOrder.numeric();
    }

    @Override
    public void open(OpenContext openContext) {
        counters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    }

    /** A label line read: the label, or why it is refused. */
    public record Parsed(LabelEvent label, String reason, String detail) {}

    /** Reads one label line as the spec's labels section says (shared by the job and the served training set). */
    public static Parsed parse(String line, CompiledSpec.Labels labels, boolean numericIds) {
        try {
            JsonNode node = JSON.readTree(line);
            JsonNode id = node == null ? null : node.get(labels.eventIdField());
            JsonNode time = node == null ? null : node.get(labels.timeField());
            if (id == null || !id.isValueNode() || time == null) {
                return new Parsed(null, "missing_field", "a label needs " + labels.eventIdField() + " and " + labels.timeField());
            }
            Cleaned<Long> t = time.isNumber() ? TimestampParser.fromEpoch(time.longValue()) : TimestampParser.parse(time.asText());
            if (!t.isOk()) {
                return new Parsed(null, "invalid_timestamp", "label time: " + t.reason());
            }
            String eventId = id.asText();
            if (numericIds) {
                try {
                    eventId = Long.toString(Long.parseLong(eventId.strip())); // as ingestion writes numeric ids
                } catch (NumberFormatException e) {
                    return new Parsed(null, "wrong_type", "label " + labels.eventIdField() + " is not a whole number");
                }
            }
            return new Parsed(new LabelEvent(eventId, t.value()), null, null);
        } catch (Exception e) {
            return new Parsed(null, "malformed_json", e.getMessage());
        }
    }

    @Override
    public void processElement(String line, Context ctx, Collector<LabelEvent> out) {
        Parsed parsed = parse(line, labels, numericIds);
        if (parsed.label() != null) {
            out.collect(parsed.label());
        } else {
            refuse(ctx, line, parsed.reason(), parsed.detail());
        }
    }

    private void refuse(Context ctx, String line, String reason, String detail) {
        counters.count(reason);
        ctx.output(DeadLetters.TAG, new DeadLetter("labels", reason, detail, null, null, Masking.maskFreeText(line)));
    }
}
