package dev.tandem.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.kafka.TopicReader;
import dev.tandem.parity.FeatureTable;
import dev.tandem.parity.ParityChecker;
import dev.tandem.spec.CompiledSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;

/** Checks the exactly-once feature topic against a batch run of the same events. */
public final class FeatureTopicAssertions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FeatureTopicAssertions() {}

    /**
     * Reads the topic's committed vectors and asserts that each has the batch run's values; returns
     * how many times each event id appeared.
     */
    public static Map<String, Integer> vectorsMatchBatch(String bootstrap, String topic, Path batchOutput, CompiledSpec spec)
            throws Exception {
        Map<String, GenericRecord> batchRows = new HashMap<>();
        new FeatureTable(batchOutput).forEach(r -> batchRows.put(r.get("event_id").toString(), r));
        Map<String, Integer> copies = new HashMap<>();
        for (String value : TopicReader.readCommitted(bootstrap, topic)) {
            JsonNode vector = JSON.readTree(value);
            String id = vector.get("event_id").asText();
            copies.merge(id, 1, Integer::sum);
            GenericRecord expected = batchRows.get(id);
            assertThat(expected).as(id).isNotNull();
            for (CompiledSpec.Feature f : spec.allFeatures()) {
                JsonNode v = vector.get(f.name());
                Object actual = v.isNull() ? null : f.agg().integral() ? (Object) v.asLong() : (Object) v.asDouble();
                assertThat(ParityChecker.equal(expected.get(f.name()), actual)).as(id + " " + f.name()).isTrue();
            }
        }
        return copies;
    }

    /** Every batch event exactly once on the topic, with the batch values. */
    public static void everyEventOnce(String bootstrap, String topic, Path batchOutput, CompiledSpec spec, long expectedEvents)
            throws Exception {
        Map<String, Integer> copies = vectorsMatchBatch(bootstrap, topic, batchOutput, spec);
        assertThat(copies).hasSize((int) expectedEvents);
        assertThat(copies.values()).as("copies per event").allMatch(n -> n == 1);
    }
}
