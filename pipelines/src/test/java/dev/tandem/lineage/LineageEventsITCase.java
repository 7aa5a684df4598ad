package dev.tandem.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.cli.CliRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A features run leaves OpenLineage START and COMPLETE events naming its operators, datasets and column lineage. */
class LineageEventsITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String SPEC = """
            name: meters
            version: 3
            source:
              event_id: id
              event_time: at
              fields:
                id:    { type: string, required: true }
                at:    { type: timestamp, required: true }
                meter: { type: string, required: true }
                kwh:   { type: double }
                phase: { type: string }
            entities:
              - name: meter
                key: meter
                features:
                  - { name: kwh_sum_1h, agg: sum, field: kwh, window: 1h }
                  - { name: phases_1h, agg: distinct_count, field: phase, window: 1h }
            """;

    @TempDir
    Path dir;

    @Test
    void aRunEmitsStartAndCompleteWithColumnLineage() throws Exception {
        Path spec = Files.writeString(dir.resolve("meters.yaml"), SPEC);
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("events.jsonl"), """
                {"id":"a","at":"2024-03-01T10:00:00Z","meter":"m1","kwh":1.5,"phase":"L1"}
                {"id":"b","at":"2024-03-01T10:20:00Z","meter":"m1","kwh":2.5,"phase":"L2"}
                """);
        assertThat(CliRuns.run("features", "--mode", "batch", "--input", in.toString(), "--output", dir.resolve("out").toString(),
                "--spec", spec.toString())).isZero();

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("out").resolve(LineageLog.FILE))) {
            events.add(json.readTree(line));
        }
        assertThat(events).extracting(e -> e.path("eventType").asText()).containsExactly("START", "COMPLETE");
        assertThat(events.get(1).path("run").path("runId").asText()).isEqualTo(events.get(0).path("run").path("runId").asText());
        JsonNode complete = events.get(1);
        assertThat(complete.path("job").path("name").asText()).isEqualTo("tandem-features-meters-batch");
        assertThat(complete.path("run").path("facets").path("tandem_feature_set").path("version").asText()).startsWith("meters/v3/");
        List<String> uids = new ArrayList<>();
        complete.path("job").path("facets").path("tandem_operators").path("uids").forEach(u -> uids.add(u.asText()));
        assertThat(uids).contains("clean", "ordering-gate", "deduplicate", "features-meter", "vectors", "quality-windows",
                "feature-table-sink");
        assertThat(complete.path("job").path("facets").path("tandem_udfs").path("functions").size()).isGreaterThan(10);

        JsonNode features = complete.path("outputs").get(0);
        assertThat(features.path("name").asText()).endsWith("features");
        JsonNode sources = features.path("facets").path("columnLineage").path("fields").path("phases_1h").path("inputFields");
        List<String> fields = new ArrayList<>();
        sources.forEach(f -> fields.add(f.path("field").asText()));
        assertThat(fields).containsExactlyInAnyOrder("meter", "phase", "at");
        assertThat(sources.get(0).path("name").asText()).isEqualTo(in.toAbsolutePath().toString());
        assertThat(complete.path("inputs").get(0).path("facets").path("schema").path("fields").size()).isEqualTo(5);
    }
}
