package dev.tandem.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpecCompilerTest {

    @Test
    void compilesTheFlagshipSpec() {
        CompiledSpec spec = SpecCompiler.load(null);
        assertThat(spec.name).isEqualTo("card-fraud");
        assertThat(spec.entities).extracting(CompiledSpec.EntityGroup::name).containsExactly("card", "merchant");
        assertThat(spec.featureCount()).isGreaterThanOrEqualTo(12);
        assertThat(spec.maxOutOfOrdernessMillis).isEqualTo(600_000);
        assertThat(spec.entities.get(1).offset()).isEqualTo(spec.entities.get(0).features().size());
        // The raw card number has no slot of its own: it is kept only as its pseudonym, card_id.
        assertThat(spec.inputFields).filteredOn(f -> f.name().equals("card_number"))
                .singleElement().satisfies(f -> assertThat(f.outputName()).isEqualTo("card_id"));
    }

    @Test
    void resolvesSlotsOfAUserSpec() {
        CompiledSpec spec = TestSpecs.sensors();
        assertThat(spec.textSlots).isEqualTo(3); // id, device, site
        assertThat(spec.numberSlots).isEqualTo(4); // at, temp, lat, lon
        assertThat(spec.allFeatures()).extracting(CompiledSpec.Feature::name).startsWith("n_10m", "n_temp_10m");
        CompiledSpec.Feature p90 = spec.allFeatures().stream().filter(f -> f.name().equals("p90_10m")).findFirst().orElseThrow();
        assertThat(p90.q()).isEqualByComparingTo("0.9");
        assertThat(spec.allFeatures()).filteredOn(f -> f.where() != null).extracting(f -> f.where().source())
                .contains("site == 's1'", "site != 's2'");
        assertThat(spec.entities.get(0).maxWindowMillis()).isEqualTo(600_000);
    }

    @Test
    void explainsWhatIsWrong() {
        assertError(TestSpecs.SENSORS.replace("agg: stddev", "agg: median"), "unknown agg 'median'");
        assertError(TestSpecs.SENSORS.replace("field: site, window", "field: sitee, window"), "'sitee' is not a declared");
        assertError(TestSpecs.SENSORS.replace("max_future: 1d", "max_futur: 1d"), "unknown key 'max_futur'");
        assertError(TestSpecs.SENSORS.replace("state_ttl: 2h", "state_ttl: 30m"), "window is longer than state_ttl");
        assertError(TestSpecs.SENSORS.replace("agg: sum,    field: temp", "agg: sum,    field: site"), "is text but a numeric");
        assertError(TestSpecs.SENSORS.replace("{ name: n_10m,", "{ name: sum_10m,"), "must be unique");
        assertError(TestSpecs.SENSORS.replace("window: 10m }\n", "window: 10 minutes }\n"), "is not a duration");
        assertError(TestSpecs.SENSORS.replace("event_time: at", "event_time: device"), "must be a required timestamp");
        assertError("name: x\n", "source: is required");
        // The feature language: each mistake names the feature and says what is wrong, in one line.
        assertError(TestSpecs.SENSORS.replace("where: \"site == 's1'\"", "where: \"sitee == 's1'\""),
                "features.n_s1_10m.where: 'sitee == 's1'' undeclared reference to 'sitee'");
        assertError(TestSpecs.SENSORS.replace("where: \"site == 's1'\"", "where: \"site == \""), "features.n_s1_10m.where:");
        assertError(TestSpecs.SENSORS.replace("where: \"site == 's1'\"", "where: \"temp + 1\""), "gives a double, not a bool");
        assertError(TestSpecs.SENSORS.replace("where: \"site == 's1'\"", "where: \"site > 3\""), "no matching overload");
        assertError(TestSpecs.SENSORS.replace("agg: last_value, field: temp }", "agg: last_value, field: temp, where: \"temp > 1\" }"),
                "last_value takes no where");
        assertError(TestSpecs.SENSORS.replace("q: 0.9", "q: 1.5"), "features.p90_10m.q: 1.5 is outside (0, 1]");
        assertError(TestSpecs.SENSORS.replace("q: 0.9", "q: 0"), "is outside (0, 1]");
        assertError(TestSpecs.SENSORS.replace("q: 0.9 }", "}"), "percentile needs q");
        assertError(TestSpecs.SENSORS.replace("agg: avg,    field: temp, window: 10m }", "agg: avg, field: temp, window: 10m, q: 0.5 }"),
                "only percentile takes q");
        assertError(TestSpecs.SENSORS.replace("agg: first_value, field: temp, window: 10m }", "agg: first_value, field: site, window: 10m }"),
                "is text but a numeric");
        assertError(TestSpecs.SENSORS.replace("field: temp, last: 5 }", "field: temp, last: 5, window: 10m }"),
                "features.avg_last5: give window or last, not both");
        assertError(TestSpecs.SENSORS.replace("field: temp, last: 5 }", "field: temp, last: 0 }"), "avg_last5.last: 0 is not in 1..10000");
        assertError(TestSpecs.SENSORS.replace("agg: last_value, field: temp }", "agg: last_value, field: temp, last: 3 }"),
                "last_value takes no last");
        assertError(TestSpecs.SENSORS.replace("field: site, window: 10m }", "field: site, window: lifetime }"),
                "features.sites_10m.window: lifetime keeps a few numbers per entity, which distinct_count cannot be computed from");
        assertError(TestSpecs.SENSORS.replace("field: temp, window: 10m, q: 0.9 }", "field: temp, window: lifetime, q: 0.9 }"),
                "features.p90_10m.window: lifetime keeps a few numbers per entity, which percentile cannot be computed from");
        assertError(TestSpecs.SENSORS.replace("agg: last_value, field: temp }", "agg: last_value, field: temp, window: lifetime }"),
                "last_value takes no window");
        assertError(": : :", "not a valid spec");
    }

    @Test
    void compilesFeatureSourcesIntoTheSameSlots() {
        CompiledSpec spec = TestSpecs.sensorAlarms();
        CompiledSpec.EventSource alarms = spec.featureSources.get(0);
        assertThat(alarms.index()).isEqualTo(1);
        assertThat(alarms.topic()).isEqualTo("alarms");
        assertThat(alarms.maxOutOfOrdernessMillis()).isEqualTo(120_000);
        assertThat(alarms.maxDelayMillis()).as("max_delay defaults to the source's own bound").isEqualTo(120_000);
        // A name both sources declare is one slot: the group's key is where the group looks, whichever source.
        int rowDevice = spec.inputFields.stream().filter(f -> f.name().equals("device")).findFirst().orElseThrow().slot();
        int alarmDevice = alarms.inputFields().stream().filter(f -> f.name().equals("device")).findFirst().orElseThrow().slot();
        assertThat(alarmDevice).isEqualTo(rowDevice).isEqualTo(spec.entities.get(0).keySlot());
        assertThat(spec.entities.get(0).sources()).containsExactly(0, 1);
        assertThat(spec.entities.get(1).sources()).containsExactly(1);
        assertThat(spec.entities.get(0).over(1).features()).extracting(CompiledSpec.Feature::name).startsWith("alarms_10m", "severe_30m");
    }

    @Test
    void explainsWhatIsWrongWithAFeatureSource() {
        String spec = TestSpecs.SENSOR_ALARMS;
        assertError(spec.replace("source: alarms, where", "source: alarm, where"),
                "features.severe_30m.source: 'alarm' is not a feature source; declared: [alarms]");
        assertError(spec.replace("agg: max, field: severity, window: 30m, source: alarms",
                "agg: max, field: temp, window: 30m, source: alarms"), "'temp' is not a declared (or kept) field of feature source alarms");
        assertError(spec.replace("where: \"severity >= 3\"", "where: \"temp >= 3\""), "features.severe_30m.where:");
        assertError(spec.replace("      device:    { type: string, required: true }", "      unit:      { type: string, required: true }"),
                "'device' is not a declared (or kept) field of feature source alarms");
        assertError(spec.replace("device:    { type: string, required: true }", "device:    { type: string }"),
                "'device' must be a required field of feature source alarms");
        assertError(spec.replace("severity:  { type: double }", "severity:  { type: double }\n      temp:      { type: string }"),
                "'temp' is numeric in another source");
        assertError(spec.replace("{ name: last_severity, agg: last_value, field: severity, source: alarms }",
                "{ name: last_severity, agg: zscore, field: severity, window: 30m, source: alarms }"),
                "features.last_severity: zscore reads the row's own event, which feature source alarms does not feed");
        assertError(spec.replace("- name: alarms\n", "- name: source\n"), "feature_sources.source.name: must be unique");
        assertError(spec.replace("event_id: alarm_id", "event_id: alarm"), "feature_sources.alarms.event_id: 'alarm' is not a declared field");
        assertError(spec.replace("event_time: raised_at", "event_time: kind"), "feature_sources.alarms.event_time: 'kind' must be a required timestamp");
    }

    @Test
    void compilesModelsWithTheirInputsResolvedInTheModelsOrderAndLeavesTheFeatureSetAlone() {
        String models = """
                models:
                  - { name: overheat, inputs: [temp_vs_avg_10m, n_10m, max_10m], alert_rate: 0.05 }
                  - { name: drift_v2, inputs: [avg_10m], rollback_when: { psi_above: 0.3, error_rate_above: 0.01 } }
                """;
        CompiledSpec spec = SpecCompiler.compile(TestSpecs.SENSORS + models, "test.yaml");
        List<String> names = spec.allFeatures().stream().map(CompiledSpec.Feature::name).toList();
        CompiledSpec.Model overheat = spec.models.get(0);
        assertThat(overheat.scoreColumn()).isEqualTo("score_overheat");
        assertThat(overheat.vectorIndexes()).containsExactly(names.indexOf("temp_vs_avg_10m"), names.indexOf("n_10m"), names.indexOf("max_10m"));
        assertThat(spec.models.get(1).inputs()).containsExactly("avg_10m");
        assertThat(spec.models.get(1).rollback()).isEqualTo(new CompiledSpec.RollbackRule(0.3, 0.01, 500));
        assertThat(overheat.rollback()).isNull();
        assertThat(overheat.alertRate()).isEqualTo(0.05);
        assertThat(spec.models.get(1).alertRate()).as("default").isEqualTo(0.01);
        assertThat(spec.featureSetVersion()).as("a model is not a feature definition").isEqualTo(TestSpecs.sensors().featureSetVersion());

        assertError(TestSpecs.SENSORS + models.replace("max_10m]", "max_10mm]"),
                "models.overheat.inputs: 'max_10mm' is not a feature of this spec");
        assertError(TestSpecs.SENSORS + models.replace("max_10m]", "n_10m]"), "models.overheat.inputs: 'n_10m' is listed twice");
        assertError(TestSpecs.SENSORS + models.replace("inputs: [avg_10m]", "inputs: []"), "models.drift_v2.inputs: list the features");
        assertError(TestSpecs.SENSORS + models.replace("name: drift_v2", "name: overheat"), "models.overheat: model names must be unique");
        assertError(TestSpecs.SENSORS + models.replace("name: drift_v2", "name: Drift-2"), "models.Drift-2: model names are lower-case");
        assertError(TestSpecs.SENSORS + models.replace("inputs: [avg_10m]", "input: [avg_10m]"), "unknown key 'input'");
        assertError(TestSpecs.SENSORS + models.replace("alert_rate: 0.05", "alert_rate: 0"), "models.overheat.alert_rate: 0.0 is outside (0, 1]");
        assertError(TestSpecs.SENSORS + models.replace("alert_rate: 0.05", "shadow_sample: 1.5"),
                "models.overheat.shadow_sample: 1.5 is outside (0, 1]");
        assertError(TestSpecs.SENSORS + models.replace("psi_above: 0.3", "psi_above: 0"), "models.drift_v2.rollback_when.psi_above: 0.0 is not above 0");
        assertError(TestSpecs.SENSORS + models.replace("error_rate_above: 0.01", "error_rate_above: 1.5"),
                "rollback_when.error_rate_above: 1.5 is outside [0, 1)");
        assertError(TestSpecs.SENSORS + models.replace("{ psi_above: 0.3, error_rate_above: 0.01 }", "{ min_scores: 10 }"),
                "models.drift_v2.rollback_when: give psi_above, error_rate_above or both");
    }

    private static void assertError(String yaml, String message) {
        assertThatThrownBy(() -> SpecCompiler.compile(yaml, "test.yaml"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("test.yaml")
                .hasMessageContaining(message);
    }
}
