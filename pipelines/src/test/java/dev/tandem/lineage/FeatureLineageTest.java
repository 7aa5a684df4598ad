package dev.tandem.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.spec.TestSpecs;
import java.util.List;
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

    @Test
    void aUsersSpecHasItsOwnLineage() {
        CompiledSpec spec = SpecCompiler.compile(TestSpecs.SENSORS, "sensors.yaml");
        FeatureLineage lineage = new FeatureLineage(spec);
        assertThat(lineage.sourceFields("km_from_last")).containsExactlyInAnyOrder("device", "lat", "lon", "at");
        assertThat(lineage.sourceFields("sites_10m")).containsExactlyInAnyOrder("device", "site", "at");
        assertThat(lineage.of("avg_10m").how()).startsWith("avg over the 10m before the event");
    }
}
