package dev.tandem.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.spec.TestSpecs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** "Where does this feature come from", answered from the spec down to source fields and UDFs. */
class FeatureLineageTest {
    @Test
    void flagshipFeaturesReachTheirSourceFieldsThroughTheirUdfs() {
        FeatureLineage lineage = new FeatureLineage(SpecCompiler.load(null));
        assertThat(lineage.sourceFields("card_amount_avg_7d")).containsExactlyInAnyOrder("card_number", "amount", "currency", "ts");
        assertThat(lineage.sourceFields("merchant_distinct_cards_24h")).containsExactlyInAnyOrder("merchant_id", "card_number", "ts");
        assertThat(lineage.sourceFields("txn_hour_sin")).containsExactlyInAnyOrder("card_number", "ts");
        assertThat(lineage.sourceFields("card_km_from_last")).containsExactlyInAnyOrder("card_number", "lat", "lon", "ts");

        FeatureLineage.Node amountLog = lineage.of("txn_amount_log");
        assertThat(amountLog.how()).contains("value").contains("features-card");
        FeatureLineage.Node log = amountLog.inputs().get(1);
        assertThat(List.of(log.kind(), log.name(), log.udf())).containsExactly("derived", "amount_log", "LOG1P");
        FeatureLineage.Node usd = log.inputs().get(0);
        assertThat(List.of(usd.name(), usd.udf(), usd.udfClass()))
                .containsExactly("amount_usd", "TO_BASE_CURRENCY", "dev.tandem.udfs.functions.ToBaseCurrency");
        FeatureLineage.Node key = amountLog.inputs().get(0).inputs().get(0);
        assertThat(List.of(key.kind(), key.name(), key.udf())).containsExactly("pii", "card_id", "PSEUDONYMIZE");
        assertThat(key.inputs().get(0).udf()).isEqualTo("IS_VALID_CARD");
        assertThat(lineage.of("no_such_feature")).isNull();
    }

    /** A feature over a feature source reaches that source's fields (named NAME.field) and says which stream it counts. */
    @Test
    void aFeatureOverAFeatureSourceReachesThatSourcesFields() {
        FeatureLineage lineage = new FeatureLineage(TestSpecs.sensorAlarms());
        assertThat(lineage.sourceFields("max_severity_30m")).containsExactlyInAnyOrder("alarms.device", "alarms.severity",
                "alarms.raised_at");
        assertThat(lineage.sourceFields("severe_30m")).contains("alarms.severity");
        assertThat(lineage.of("alarms_10m").how()).contains("of feature source alarms").contains("features-device");
        assertThat(lineage.sourceFields("avg_temp_10m")).containsExactlyInAnyOrder("device", "temp", "at");
        assertThat(lineage.sourceFields("severe_share_30m")).contains("alarms.severity", "alarms.raised_at");
    }

    /**
     * Every path from a pseudonymised source field to a feature passes the keyed HMAC, in the tree
     * ./tandem lineage prints and in the OpenLineage column lineage (as a masking step): for the
     * flagship, and for a user's spec whose entity key itself is pseudonymised.
     */
    @Test
    void everyPseudonymisedFieldShowsItsHmacStep() throws Exception {
        CompiledSpec userSpec = SpecCompiler.compile(TestSpecs.SENSORS.replace(
                "device: { type: string, required: true }", "device: { type: string, required: true, pii: hmac }"), "sensors-pii.yaml");
        for (CompiledSpec spec : List.of(SpecCompiler.load(null), userSpec)) {
            Set<String> hmacFields = spec.inputFields.stream().filter(f -> f.pii() == CompiledSpec.Pii.HMAC)
                    .map(CompiledSpec.InputField::name).collect(Collectors.toSet());
            assertThat(hmacFields).as(spec.name).isNotEmpty();
            JsonNode columns = new ObjectMapper().readTree(new LineageEvent(spec, "test", false, List.of(),
                            List.of(Datasets.file(Path.of("in"), false)), List.of(Datasets.file(Path.of("out"), true)))
                    .render("START")).path("outputs").get(0).path("facets").path("columnLineage").path("fields");
            int checked = 0;
            for (CompiledSpec.Feature feature : spec.allFeatures()) {
                Map<String, List<FeatureLineage.Node>> paths = new FeatureLineage(spec).pathsFromSources(feature.name());
                for (String field : hmacFields) {
                    if (!paths.containsKey(field)) {
                        continue;
                    }
                    assertThat(paths.get(field)).as(feature.name() + " <- " + field)
                            .anySatisfy(step -> assertThat(List.of(step.kind(), String.valueOf(step.udf()))).containsExactly("pii", "PSEUDONYMIZE"));
                    JsonNode input = null;
                    for (JsonNode in : columns.path(feature.name()).path("inputFields")) {
                        input = in.path("field").asText().equals(field) ? in : input;
                    }
                    assertThat(input).as(feature.name() + " <- " + field + " in OpenLineage").isNotNull();
                    assertThat(input.path("transformations")).as(feature.name() + " <- " + field)
                            .anySatisfy(t -> {
                                assertThat(t.path("masking").asBoolean()).isTrue();
                                assertThat(t.path("description").asText()).contains("PSEUDONYMIZE");
                            });
                    checked++;
                }
            }
            // Every feature is keyed by (or reads) the pseudonymised field in both specs' first group.
            assertThat(checked).as(spec.name).isGreaterThanOrEqualTo(spec.entities.get(0).features().size());
        }
    }

    @Test
    void aUsersSpecHasItsOwnLineage() {
        CompiledSpec spec = SpecCompiler.compile(TestSpecs.SENSORS, "sensors.yaml");
        FeatureLineage lineage = new FeatureLineage(spec);
        assertThat(lineage.sourceFields("km_from_last")).containsExactlyInAnyOrder("device", "lat", "lon", "at");
        assertThat(lineage.sourceFields("sites_10m")).containsExactlyInAnyOrder("device", "site", "at");
        assertThat(lineage.of("avg_10m").how()).startsWith("avg over the 10m before the event");
    }
}
