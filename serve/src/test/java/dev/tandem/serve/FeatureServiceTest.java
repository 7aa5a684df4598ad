package dev.tandem.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.ingest.RecordCleaner;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.udfs.logic.CurrencyConverter;
import dev.tandem.udfs.logic.Pseudonymizer;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service without HTTP, on the flagship spec: raw events in the source's own shape, cleaned
 * and pseudonymised as ingestion does; answers with every feature as of the event's time,
 * request-time values from the request itself; the scored event never joins the history.
 */
class FeatureServiceTest {
    private static final CompiledSpec SPEC = SpecCompiler.load(null);
    private static final String SECRET = "service-test-secret";
    private static final long NOW = Instant.parse("2026-03-02T12:00:00Z").toEpochMilli();
    private static final String CARD = "4111111111111111";
    private static final FeedStatus CAUGHT_UP = new FeedStatus() {
        @Override
        public Map<Integer, Long> appliedOffsets() {
            return Map.of(0, 42L);
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public boolean isHealthy() {
            return true;
        }

        @Override
        public String unavailable() {
            return null;
        }

        @Override
        public long lagRecords() {
            return 0;
        }
    };

    private final ServingState state = new ServingState(SPEC);
    private final FeatureService service = new FeatureService(state, CAUGHT_UP, "v-test", SECRET, () -> NOW);

    private static String txn(String id, String ts, String card, String amount, double lat) {
        return """
                {"txn_id":"%s","ts":"%s","card_number":"%s","amount":"%s","currency":"USD","merchant_id":"m-1",
                 "merchant_category":"grocery","lat":%s,"lon":13.4,"country":"DE","email":"a@example.com","channel":"web"}"""
                .formatted(id, ts, card, amount, lat);
    }

    private void ingest(String raw) {
        RecordCleaner cleaner = new RecordCleaner(SPEC, SECRET, CurrencyConverter.defaultTable(), () -> NOW);
        assertThat(state.apply(cleaner.clean(raw).event(), "transactions-0")).isNull();
    }

    private static double feature(FeatureService.Served served, String name) {
        for (ServingState.GroupAnswer g : served.groups()) {
            CompiledSpec.EntityGroup group = SPEC.entities.stream().filter(e -> e.name().equals(g.group())).findFirst().orElseThrow();
            for (int f = 0; f < group.features().size(); f++) {
                if (group.features().get(f).name().equals(name)) {
                    return g.values()[f];
                }
            }
        }
        throw new IllegalArgumentException(name);
    }

    @Test
    void aScoredEventGetsTheFeaturesAsOfItsTimeWithItsOwnValuesAndIsNotAdded() {
        ingest(txn("t1", "2026-03-02T11:00:00Z", CARD, "10.00", 52.5));
        ingest(txn("t2", "2026-03-02T11:50:00Z", CARD, "30.00", 52.5));
        ingest(txn("t3", "2026-03-02T11:55:00Z", CARD, "20.00", 52.6));
        long applied = state.counts().get("applied");

        var result = service.score(txn("t4", "2026-03-02T11:55:00Z", "4111-1111-1111-1111", "99.00", 52.5));
        assertThat(result).isInstanceOf(FeatureService.Served.class);
        FeatureService.Served served = (FeatureService.Served) result;
        assertThat(served.eventId()).isEqualTo("t4");
        assertThat(served.featureSetVersion()).isEqualTo("v-test");
        assertThat(served.appliedOffsets()).containsEntry(0, 42L);
        // As of 11:55: t3 at the same instant is not taken into account, t1 and t2 are.
        assertThat(feature(served, "card_txn_count_10m")).isEqualTo(1.0);
        assertThat(feature(served, "card_txn_count_1h")).isEqualTo(2.0);
        assertThat(feature(served, "card_amount_sum_24h")).isEqualTo(40.0);
        assertThat(feature(served, "card_seconds_since_last")).isEqualTo(300.0);
        assertThat(feature(served, "txn_amount_log")).as("the request's own amount").isEqualTo(Math.log1p(99.0));
        assertThat(feature(served, "card_km_from_last")).as("from t2's place to the request's").isEqualTo(0.0);
        ServingState.GroupAnswer card = served.groups().get(0);
        assertThat(card.newestEventId()).isEqualTo("t2");
        assertThat(card.key()).as("pseudonymised as ingestion does, separators cleaned")
                .isEqualTo(new Pseudonymizer(SECRET).pseudonymize(CARD)).doesNotContain("4111");

        assertThat(state.counts().get("applied")).as("scoring adds nothing").isEqualTo(applied);
        FeatureService.Served again = (FeatureService.Served) service.score(txn("t4", "2026-03-02T11:55:00Z", CARD, "99.00", 52.5));
        assertThat(again.requestId()).isNotEqualTo(served.requestId());
        assertThat(feature(again, "card_txn_count_1h")).isEqualTo(2.0);
    }

    @Test
    void aRefusedEventAnswersWithTheDeadLetterReason() {
        String bad = txn("t9", "2026-03-02T11:00:00Z", "4111111111111112", "10.00", 52.5); // fails Luhn
        assertThat(service.score(bad)).isEqualTo(new FeatureService.Refused(422, "invalid_card_number", "field card_number: luhn"));
        assertThat(((FeatureService.Refused) service.score("{\"txn_id\":1")).reason()).isEqualTo("malformed_json");
    }

    @Test
    void anEntityIsAskedByItsRawKeyAsOfAnyRecentInstant() {
        ingest(txn("t1", "2026-03-02T11:50:00Z", CARD, "10.00", 52.5));
        ingest(txn("t2", "2026-03-02T11:59:00Z", CARD, "30.00", 52.5));

        FeatureService.Served now = (FeatureService.Served) service.entity("card", "4111 1111 1111 1111", null);
        assertThat(now.asOf()).as("default: the server's clock").isEqualTo(NOW);
        assertThat(now.groups()).hasSize(1);
        assertThat(now.groups().get(0).values()[0]).as("card_txn_count_10m at 12:00").isEqualTo(2.0);

        FeatureService.Served before = (FeatureService.Served) service.entity("card", CARD, "2026-03-02T11:55:00Z");
        assertThat(before.groups().get(0).values()[0]).isEqualTo(1.0);
        FeatureService.Served epoch = (FeatureService.Served) service.entity("card", CARD, String.valueOf(NOW - 30_000));
        assertThat(epoch.groups().get(0).values()[0]).isEqualTo(2.0);
        assertThat(epoch.groups().get(0).newestEventId()).isEqualTo("t2");

        FeatureService.Served merchant = (FeatureService.Served) service.entity("merchant", "m-1", null);
        assertThat(merchant.groups().get(0).values()[0]).as("merchant_txn_count_1h").isEqualTo(2.0);
    }

    @Test
    void entityRequestsItCannotAnswerAreRefusedWithAClearStatus() {
        ingest(txn("t0", "2026-02-20T00:00:00Z", CARD, "10.00", 52.5));
        ingest(txn("t1", "2026-02-28T00:00:00Z", CARD, "10.00", 52.5));
        ingest(txn("t2", "2026-03-02T11:59:00Z", CARD, "10.00", 52.5));
        assertThat(((FeatureService.Refused) service.entity("cards", CARD, null)).status()).isEqualTo(404);
        assertThat(((FeatureService.Refused) service.entity("card", " ", null)).status()).isEqualTo(400);
        assertThat(((FeatureService.Refused) service.entity("card", CARD, "yesterday-ish")).reason()).isEqualTo("invalid_timestamp");
        assertThat(((FeatureService.Refused) service.entity("card", "1234", null)).status()).as("not a card number").isEqualTo(422);
        // t0 has left the state (outside every window as of t2): a read whose 7-day windows need it is refused...
        FeatureService.Refused old = (FeatureService.Refused) service.entity("card", CARD, "2026-02-26T00:00:00Z");
        assertThat(old.status()).isEqualTo(409);
        assertThat(old.reason()).isEqualTo("too_old");
        // ...one behind the newest event by more than the bound, but needing nothing dropped, is answered exactly.
        FeatureService.Served behind = (FeatureService.Served) service.entity("card", CARD, "2026-03-02T11:00:00Z");
        assertThat(behind.groups().get(0).values()[2]).as("card_txn_count_24h").isEqualTo(0.0);
        assertThat(behind.groups().get(0).newestEventId()).isEqualTo("t1");
    }

    @Test
    void onDemandFeaturesOfAScoredEventComeFromItsFieldsAndEveryGroupsAnswer() throws Exception {
        CompiledSpec sensors = dev.tandem.spec.TestSpecs.sensors();
        ServingState sensorState = new ServingState(sensors);
        FeatureService sensorService = new FeatureService(sensorState, CAUGHT_UP, "v-test", SECRET, () -> NOW);
        RecordCleaner cleaner = new RecordCleaner(sensors, SECRET, CurrencyConverter.defaultTable(), () -> NOW);
        String reading = "{\"id\":\"%s\",\"at\":\"2026-03-02T11:%s:00Z\",\"device\":\"d1\",\"site\":\"%s\",\"temp\":%s,\"lat\":1,\"lon\":2}";
        assertThat(sensorState.apply(cleaner.clean(reading.formatted("r1", "51", "s1", "10.0")).event(), "readings-0")).isNull();
        assertThat(sensorState.apply(cleaner.clean(reading.formatted("r2", "52", "s2", "30.0")).event(), "readings-0")).isNull();

        FeatureService.Served served = (FeatureService.Served) sensorService.score(reading.formatted("r3", "55", "s1", "40.0"));
        // avg_10m = 20 over r1 and r2; n_s1_10m = 1 (r1) of n_1h = 2; the request is at s1, one km-less hop from r2's place.
        assertThat(served.onDemand()).containsExactly(2.0, 0.5, 0.0);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(new AnswerJson(sensors).bytes(served)).get("features");
        assertThat(json.get("temp_vs_avg_10m").asDouble()).isEqualTo(2.0);
        assertThat(json.get("s1_share_1h").asDouble()).isEqualTo(0.5);

        FeatureService.Served elsewhere = (FeatureService.Served) sensorService.score(reading.formatted("r4", "55", "s3", "40.0"));
        assertThat(elsewhere.onDemand()).containsExactly(2.0, 0.5, -1.0);
        FeatureService.Served noTemp = (FeatureService.Served) sensorService.score(reading.formatted("r5", "55", "s1", "null"));
        assertThat(noTemp.onDemand()[0]).as("a missing operand").isNaN();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(new AnswerJson(sensors).bytes(noTemp)).get("features").get("temp_vs_avg_10m").isNull()).isTrue();
    }
}
