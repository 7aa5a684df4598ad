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

    @Override
    public void processElement(String line, Context ctx, Collector<LabelEvent> out) {
        try {
            JsonNode node = JSON.readTree(line);
            JsonNode id = node.get(labels.eventIdField());
            JsonNode time = node.get(labels.timeField());
            if (id == null || !id.isValueNode() || time == null) {
                refuse(ctx, line, "missing_field", "a label needs " + labels.eventIdField() + " and " + labels.timeField());
                return;
            }
            Cleaned<Long> t = time.isNumber() ? TimestampParser.fromEpoch(time.longValue()) : TimestampParser.parse(time.asText());
            if (!t.isOk()) {
                refuse(ctx, line, "invalid_timestamp", "label time: " + t.reason());
                return;
            }
            String eventId = id.asText();
            if (numericIds) {
                try {
                    eventId = Long.toString(Long.parseLong(eventId.strip())); // as ingestion writes numeric ids
                } catch (NumberFormatException e) {
                    refuse(ctx, line, "wrong_type", "label " + labels.eventIdField() + " is not a whole number");
                    return;
                }
            }
            out.collect(new LabelEvent(eventId, t.value()));
        } catch (Exception e) {
            refuse(ctx, line, "malformed_json", e.getMessage());
        }
    }

    private void refuse(Context ctx, String line, String reason, String detail) {
        counters.count(reason);
        ctx.output(DeadLetters.TAG, new DeadLetter("labels", reason, detail, null, null, Masking.maskFreeText(line)));
    }
}
