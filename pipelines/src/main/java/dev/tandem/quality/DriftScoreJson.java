package dev.tandem.quality;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.apache.flink.api.common.functions.MapFunction;

/** A drift score as one JSON line (the batch drift files). */
public final class DriftScoreJson implements MapFunction<DriftScore, String> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String map(DriftScore d) {
        return JSON.createObjectNode()
                .put("window_start", Instant.ofEpochMilli(d.windowStart).toString())
                .put("window_end", Instant.ofEpochMilli(d.windowEnd).toString())
                .put("column", d.column).put("events", d.events).put("psi", d.psi).put("ks", d.ks).put("alert", d.alert)
                .toString();
    }
}
