package dev.tandem.quality;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.apache.flink.api.common.functions.MapFunction;

/** A breach as one JSON line, the alert format of the alerts topic and the batch alerts files. */
public final class BreachJson implements MapFunction<Breach, String> {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String featureSetVersion;

    public BreachJson(String featureSetVersion) {
        this.featureSetVersion = featureSetVersion;
    }

    @Override
    public String map(Breach b) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "expectation_breach");
        node.put("feature_set_version", featureSetVersion);
        node.put("window_start", Instant.ofEpochMilli(b.windowStart).toString());
        node.put("window_end", Instant.ofEpochMilli(b.windowEnd).toString());
        node.put("expectation", b.expectation);
        node.put("column", b.column);
        node.put("observed", b.observed);
        node.put("limit", b.limit);
        node.put("message", b.message);
        return node.toString();
    }
}
