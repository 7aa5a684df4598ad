package dev.tandem.served;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One answer of the feature server as its served-feature log holds it: which event it scored (null
 * for an entity read), as of when, every feature's value, per group the entity key, and what the
 * state had applied (per partition of the event topic, the next offset; the same per feature source topic).
 */
public record ServedAnswer(String requestId, String eventId, long asOf, long servedAt, String featureSetVersion,
        Map<String, Object> features, Map<String, String> keys, Map<Integer, Long> appliedOffsets,
        Map<String, Map<Integer, Long>> featureSourceOffsets) {

    /** Parses a log record; null for a record that is not an answer (an erasure). */
    public static ServedAnswer of(JsonNode record) {
        if (!record.hasNonNull("request_id")) {
            return null;
        }
        Map<String, Object> features = new LinkedHashMap<>();
        record.path("features").fields().forEachRemaining(f -> features.put(f.getKey(), value(f.getValue())));
        Map<String, String> keys = new LinkedHashMap<>();
        record.path("groups").fields().forEachRemaining(g -> keys.put(g.getKey(), g.getValue().path("key").asText(null)));
        Map<Integer, Long> offsets = new HashMap<>();
        record.path("applied_offsets").fields().forEachRemaining(o -> offsets.put(Integer.parseInt(o.getKey()), o.getValue().asLong()));
        Map<String, Map<Integer, Long>> fed = new HashMap<>();
        record.path("applied_feature_source_offsets").fields().forEachRemaining(t -> {
            Map<Integer, Long> partitions = new HashMap<>();
            t.getValue().fields().forEachRemaining(o -> partitions.put(Integer.parseInt(o.getKey()), o.getValue().asLong()));
            fed.put(t.getKey(), partitions);
        });
        return new ServedAnswer(record.path("request_id").asText(), record.hasNonNull("event_id") ? record.get("event_id").asText() : null,
                record.path("as_of_ms").asLong(), record.path("served_at_ms").asLong(), record.path("feature_set_version").asText(null),
                features, keys, offsets, fed);
    }

    /** Whether the state had applied the record of feature source topic {@code topic} at this partition and offset. */
    public boolean hadApplied(String topic, int partition, long offset) {
        return offset < featureSourceOffsets.getOrDefault(topic, Map.of()).getOrDefault(partition, 0L);
    }

    /** Whether the state had applied the record at this partition and offset when it answered. */
    public boolean hadApplied(int partition, long offset) {
        return offset < appliedOffsets.getOrDefault(partition, 0L);
    }

    private static Object value(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isIntegralNumber() ? (Object) v.asLong() : (Object) v.asDouble();
    }
}
