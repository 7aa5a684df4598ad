package dev.tandem.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.features.FeatureVector;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.store.OnlineStoreSchema;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The features topic's JSON: every feature by name, counts as integers, no value as null, keys and version. */
class FeatureVectorJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyFieldOfTheVectorIsWrittenOnceWithItsType() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        List<CompiledSpec.Feature> features = spec.allFeatures();
        double[] values = new double[features.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 5 == 4 ? Double.NaN : 1.25 * i + 0.1;
        }
        String[] keys = spec.entities.stream().map(g -> "key-of-" + g.name()).toArray(String[]::new);
        String id = spec.eventIdOrder.numeric() ? "42" : "e-1";
        FeatureVector vector = new FeatureVector(id, 1_700_000_000_123L, -1, keys, values, spec.entities.size());
        vector.ingestTime = 1_700_000_000_456L;
        FeatureVectorJson json = new FeatureVectorJson(spec);

        json.toBytes(vector); // a second vector through the same writer must not carry anything of the first
        JsonNode node = JSON.readTree(json.toBytes(vector));

        List<String> expectedFields = new ArrayList<>(List.of("event_id", "event_time"));
        spec.entities.forEach(g -> expectedFields.add(g.keyName()));
        features.forEach(f -> expectedFields.add(f.name()));
        expectedFields.addAll(List.of("feature_set_version", "source_appended_at"));
        List<String> fields = new ArrayList<>();
        node.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyElementsOf(expectedFields);

        assertThat(node.get("event_id").isNumber()).isEqualTo(spec.eventIdOrder.numeric());
        assertThat(node.get("event_id").asText()).isEqualTo(id);
        assertThat(node.get("event_time").asLong()).isEqualTo(1_700_000_000_123L);
        assertThat(node.get("source_appended_at").asLong()).isEqualTo(1_700_000_000_456L);
        assertThat(node.get("feature_set_version").asText()).isEqualTo(OnlineStoreSchema.featureSetVersion(spec));
        for (int g = 0; g < keys.length; g++) {
            assertThat(node.get(spec.entities.get(g).keyName()).asText()).isEqualTo(keys[g]);
        }
        for (int i = 0; i < values.length; i++) {
            JsonNode value = node.get(features.get(i).name());
            if (Double.isNaN(values[i])) {
                assertThat(value.isNull()).as(features.get(i).name()).isTrue();
            } else if (features.get(i).agg().integral()) {
                assertThat(value.isIntegralNumber()).as(features.get(i).name()).isTrue();
                assertThat(value.asLong()).isEqualTo((long) values[i]);
            } else {
                assertThat(value.asDouble()).as(features.get(i).name()).isEqualTo(values[i]);
            }
        }
    }

    @Test
    void aVectorWithoutAnAppendTimeSaysSo() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        FeatureVector vector = new FeatureVector("7", 5L, -1, new String[spec.entities.size()], new double[spec.featureCount()], 0);
        JsonNode node = JSON.readTree(new FeatureVectorJson(spec).toBytes(vector));
        assertThat(node.get("source_appended_at").isNull()).isTrue();
        assertThat(node.get(spec.entities.get(0).keyName()).isNull()).isTrue();
    }
}
