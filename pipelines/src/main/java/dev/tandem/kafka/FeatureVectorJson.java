package dev.tandem.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.features.FeatureVector;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import java.io.Serializable;
import java.util.List;

/** A feature vector as the JSON scoring services read from the features topic. */
public final class FeatureVectorJson implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CompiledSpec spec;
    private final String featureSetVersion;
    private transient List<CompiledSpec.Feature> features;

    public FeatureVectorJson(CompiledSpec spec) {
        this.spec = spec;
        this.featureSetVersion = OnlineStoreSchema.featureSetVersion(spec);
    }

    public byte[] toBytes(FeatureVector v) {
        if (features == null) {
            features = spec.allFeatures();
        }
        ObjectNode node = JSON.createObjectNode();
        if (spec.eventIdOrder.numeric()) {
            node.put("event_id", Long.parseLong(v.eventId));
        } else {
            node.put("event_id", v.eventId);
        }
        node.put("event_time", v.eventTime);
        for (int g = 0; g < spec.entities.size(); g++) {
            node.put(spec.entities.get(g).keyName(), v.keys[g]);
        }
        for (int f = 0; f < features.size(); f++) {
            double value = v.values[f];
            String name = features.get(f).name();
            if (Double.isNaN(value)) {
                node.putNull(name);
            } else if (features.get(f).agg().integral()) {
                node.put(name, (long) value);
            } else {
                node.put(name, value);
            }
        }
        node.put("feature_set_version", featureSetVersion);
        // When the broker appended the event (epoch ms): a consumer measures its own freshness from it.
        if (v.ingestTime >= 0) {
            node.put("source_appended_at", v.ingestTime);
        } else {
            node.putNull("source_appended_at");
        }
        return node.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
