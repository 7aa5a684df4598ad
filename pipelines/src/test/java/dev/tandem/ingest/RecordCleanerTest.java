package dev.tandem.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.udfs.logic.CurrencyConverter;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Ingestion on the flagship spec: every refusal reason, and what a clean record becomes. */
class RecordCleanerTest {
    private static final CompiledSpec SPEC = SpecCompiler.load(null);
    private static final long NOW = 1_767_225_600_000L; // 2026-01-01
    private static final String GOOD = """
            {"txn_id":"t1","ts":"2025-01-01T10:00:00+01:00","card_number":"4111 1111 1111 1111","amount":"1.234,50",\
            "currency":"€","merchant_id":"m1","merchant_category":"grocery","lat":48.85,"lon":2.35,"country":"France",\
            "email":"Jane@Example.com","channel":"pos"}""";

    private final RecordCleaner cleaner = new RecordCleaner(SPEC, "secret", CurrencyConverter.defaultTable(), () -> NOW);

    @Test
    void cleansNormalisesAndPseudonymises() {
        RecordCleaner.Outcome outcome = cleaner.clean(GOOD);
        assertThat(outcome.deadLetter()).isNull();
        CleanEvent e = outcome.event();
        assertThat(e.eventId).isEqualTo("t1");
        assertThat(e.eventTime).isEqualTo(1_735_722_000_000L); // 09:00Z
        assertThat(value(e, "amount")).isEqualTo(1234.50);
        assertThat(value(e, "amount_usd")).isCloseTo(1333.26, org.assertj.core.data.Offset.offset(1e-9)); // 1,234.50 EUR at 1.08 USD
        assertThat(text(e, "currency")).isEqualTo("EUR");
        assertThat(text(e, "country")).isEqualTo("FR");
        // HMAC-SHA256 under "secret" of the cleaned values, first 16 bytes in hex (computed with Python's hmac).
        assertThat(text(e, "card_id")).isEqualTo("d6c005134ac50dec0e01cbc4aeaf3fbd");
        assertThat(text(e, "email_id")).isEqualTo("fb817989d942e7ffb3d4b8b204f7abca");
        // A raw card number never leaves ingestion.
        assertThat(Arrays.toString(e.text)).doesNotContain("4111").doesNotContain("jane");
    }

    @Test
    void aFailureOfTheCleanerItselfIsThatRecordsDeadLetterAndTheNextRecordCleans() {
        boolean[] failNext = {true};
        RecordCleaner failingOnce = new RecordCleaner(SPEC, "secret", CurrencyConverter.defaultTable(), () -> {
            if (failNext[0]) {
                failNext[0] = false;
                throw new IllegalStateException("clock unavailable"); // stands for any bug in a UDF
            }
            return NOW;
        });
        RecordCleaner.Outcome failed = failingOnce.clean(GOOD);
        assertThat(failed.event()).isNull();
        assertThat(failed.deadLetter().reason).isEqualTo(Reasons.CLEANING_FAILED);
        assertThat(failed.deadLetter().detail).contains("clock unavailable");
        assertThat(failed.deadLetter().eventId).isEqualTo("t1");
        assertThat(failed.deadLetter().raw).doesNotContain("4111 1111 1111 1111");
        assertThat(failingOnce.clean(GOOD).event()).isNotNull();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "{\"txn_id\":\"t1\",|malformed_json",
        "[1,2,3]|malformed_json",
        "\"card_number\":\"4111 1111 1111 1111\",|missing_field",
        "\"amount\":\"1.234,50\"|wrong_type",
        "\"amount\":\"1.234,50\",|invalid_amount",
        "\"currency\":\"€\"|invalid_currency",
        "\"card_number\":\"4111 1111 1111 1111\"|invalid_card_number",
        "\"ts\":\"2025-01-01T10:00:00+01:00\"|invalid_timestamp",
        "2025-01-01T10:00:00+01:00|future_timestamp",
        "\"lat\":48.85|wrong_type",
        "\"country\":\"France\"|invalid_country",
        "\"email\":\"Jane@Example.com\"|invalid_email",
        "\"merchant_id\":\"m1\"|oversized",
        "\"currency\":\"€\"|unknown_rate",
    })
    void refusesWithAReason(String fragment, String reason) {
        String dirty = switch (reason) {
            case "malformed_json" -> fragment;
            case "missing_field" -> GOOD.replace(fragment, "");
            case "wrong_type" -> fragment.startsWith("\"lat\"") ? GOOD.replace(fragment, "\"lat\":\"north\"") : GOOD.replace(fragment, "\"amount\":[12]");
            case "invalid_amount" -> GOOD.replace(fragment, "\"amount\":\"twelve\",");
            case "invalid_currency" -> GOOD.replace(fragment, "\"currency\":\"bitcoin\"");
            case "unknown_rate" -> GOOD.replace(fragment, "\"currency\":\"THB\"");
            case "invalid_card_number" -> GOOD.replace(fragment, "\"card_number\":\"4111 1111 1111 1112\"");
            case "invalid_timestamp" -> GOOD.replace(fragment, "\"ts\":\"yesterday\"");
            case "future_timestamp" -> GOOD.replace(fragment, "2100-01-01T00:00:00Z");
            case "invalid_country" -> GOOD.replace(fragment, "\"country\":\"Atlantis\"");
            case "invalid_email" -> GOOD.replace(fragment, "\"email\":\"not-an-email\"");
            case "oversized" -> GOOD.replace(fragment, "\"merchant_id\":\"" + "m".repeat(100) + "\"");
            default -> throw new IllegalArgumentException(reason);
        };
        RecordCleaner.Outcome outcome = cleaner.clean(dirty);
        assertThat(outcome.event()).as(dirty).isNull();
        DeadLetter dead = outcome.deadLetter();
        assertThat(dead.reason).isEqualTo(reason);
        assertThat(dead.stage).isEqualTo(Reasons.STAGE_PARSE);
        assertThat(dead.detail).isNotBlank();
        // Dead letters keep the record, with PII masked.
        assertThat(dead.raw).doesNotContain("4111 1111 1111 111").doesNotContain("Jane@");
    }

    @Test
    void refusesRecordsLargerThanTheLimitBeforeParsing() {
        String huge = GOOD.replace("\"channel\":\"pos\"", "\"channel\":\"pos\",\"note\":\"" + "x".repeat(SPEC.maxRecordBytes) + "\"");
        assertThat(cleaner.clean(huge).deadLetter().reason).isEqualTo(Reasons.OVERSIZED);
    }

    @Test
    void acceptsExtraFieldsAndMissingOptionalOnesAndEpochTimes() {
        String odd = GOOD.replace("\"channel\":\"pos\"", "\"device\":\"d1\"")
                .replace("\"ts\":\"2025-01-01T10:00:00+01:00\"", "\"ts\":1735722000000")
                .replace("\"lat\":48.85", "\"lat\":null");
        CleanEvent e = cleaner.clean(odd).event();
        assertThat(e).isNotNull();
        assertThat(e.eventTime).isEqualTo(1_735_722_000_000L);
        assertThat(value(e, "lat")).isNaN();
        assertThat(text(e, "channel")).isNull();
    }

    private static double value(CleanEvent e, String name) {
        for (CompiledSpec.InputField f : SPEC.inputFields) {
            if (f.outputName().equals(name) && f.numeric()) {
                return e.numbers[f.slot()];
            }
        }
        return SPEC.derivedFields.stream().filter(d -> d.name().equals(name)).mapToDouble(d -> e.numbers[d.slot()]).findFirst().orElseThrow();
    }

    private static String text(CleanEvent e, String name) {
        for (CompiledSpec.InputField f : SPEC.inputFields) {
            if (f.outputName().equals(name)) {
                return e.text[f.slot()];
            }
        }
        throw new IllegalArgumentException(name);
    }
}
