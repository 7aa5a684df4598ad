package dev.tandem.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.parity.ParityChecker;
import dev.tandem.spec.CompiledSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/** A feature server's answer against the batch row of the same event, feature by feature. */
public final class ServedVsBatch {
    private ServedVsBatch() {}

    /** The features whose served value is not the batch row's (counts exactly, doubles within the parity tolerance). */
    public static List<String> differences(CompiledSpec spec, JsonNode answer, GenericRecord row) {
        List<String> out = new ArrayList<>();
        for (CompiledSpec.Feature f : spec.allFeatures()) {
            JsonNode served = answer.path("features").get(f.name());
            Object batch = row.get(f.name());
            boolean same = batch == null ? served == null || served.isNull()
                    : served != null && !served.isNull() && (f.agg().integral() ? served.asLong() == (Long) batch
                            : ParityChecker.equal(served.asDouble(), (Double) batch));
            if (!same) {
                out.add(answer.path("event_id").asText() + "." + f.name() + " served " + served + " batch " + batch);
            }
        }
        return out;
    }
}
