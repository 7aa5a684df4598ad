package dev.tandem.udfs.logic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampParserTest {

    private static final long NOON = 1_735_732_800_000L; // 2025-01-01T12:00:00Z

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "2025-01-01T12:00:00Z", "2025-01-01T12:00:00.000Z", "2025-01-01 12:00:00",
        "2025-01-01T14:00:00+02:00", "2025-01-01T07:00:00-05:00", "2025-01-01T12:00:00+0000",
        "2025-01-01t12:00:00z", "1735732800", "1735732800000", "1735732800000000",
        "1735732800000000000", "1735732800.000",
    })
    void readsIsoAndEpochSpellingsAsTheSameInstant(String raw) {
        assertThat(TimestampParser.parse(raw).value()).isEqualTo(NOON);
    }

    @Test
    void readsNumbersAndDates() {
        assertThat(TimestampParser.fromEpoch(1_735_732_800L).value()).isEqualTo(NOON);
        assertThat(TimestampParser.fromEpoch(1_735_732_800_000L).value()).isEqualTo(NOON);
        assertThat(TimestampParser.fromEpoch(1_735_732_800.5).value()).isEqualTo(NOON + 500);
        assertThat(TimestampParser.parse("2025-01-01").value()).isEqualTo(NOON - 12 * 3_600_000L);
        assertThat(TimestampParser.formatUtc(NOON)).isEqualTo("2025-01-01T12:00:00Z");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "yesterday|not_a_timestamp", "2025-13-01T00:00:00Z|not_a_timestamp",
        "2025-01-01T25:00:00Z|not_a_timestamp", "' '|empty", "NaN|not_a_timestamp",
        "２０２５-01-01|not_a_timestamp",
    })
    void refusesGarbage(String raw, String reason) {
        assertThat(TimestampParser.parse(raw).reason()).isEqualTo(reason);
    }

    @Test
    void refusesNullAndOverlong() {
        assertThat(TimestampParser.parse(null).reason()).isEqualTo("empty");
        assertThat(TimestampParser.parse("1".repeat(100)).reason()).isEqualTo("too_long");
        assertThat(TimestampParser.fromEpoch(Double.POSITIVE_INFINITY).isOk()).isFalse();
    }

    /** The fast path for the common shape must give exactly what the general formatter gives. */
    @Test
    void theFastPathAgreesWithTheGeneralParser() {
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 20_000; i++) {
            long millis = random.nextLong(-30_000_000_000_000L, 250_000_000_000_000L);
            long nanos = random.nextInt(1_000_000_000);
            String iso = java.time.Instant.ofEpochSecond(Math.floorDiv(millis, 1000), nanos).toString();
            int digits = random.nextInt(10);
            int dot = iso.indexOf('.');
            String base = dot < 0 ? iso.substring(0, iso.length() - 1) : iso.substring(0, dot);
            String fraction = (dot < 0 ? "" : iso.substring(dot + 1, iso.length() - 1)) + "000000000";
            String text = base + (digits == 0 ? "" : "." + fraction.substring(0, digits)) + "Z";
            if (base.length() != 19) {
                continue; // years outside 0000-9999 are not this shape
            }
            assertThat(TimestampParser.parse(text).value()).as(text).isEqualTo(TimestampParser.parseGeneral(text).value());
        }
        for (String edge : new String[] {"2024-02-29T23:59:59.999999999Z", "2025-02-29T00:00:00Z", "2025-04-31T00:00:00Z",
                "2025-01-01T00:00:60Z", "2025-01-01T00:00:00.Z", "0000-01-01T00:00:00Z", "2025-01-01t00:00:00z"}) {
            var fast = TimestampParser.parse(edge);
            var general = TimestampParser.parseGeneral(edge);
            assertThat(fast.isOk()).as(edge).isEqualTo(general.isOk());
            if (fast.isOk()) {
                assertThat(fast.value()).as(edge).isEqualTo(general.value());
            }
        }
    }

    @Test
    void timesFinerThanAMillisecondAreToldApart() {
        for (String whole : new String[] {"2025-01-01T00:00:00Z", "2025-01-01T00:00:00.123Z", "2025-01-01T00:00:00.123000Z",
                "2025-01-01 00:00:00.5+02:00", "1735689600", "1735689600.123", "1735689600123", "1735689600123000", "1735689600123000000",
                "2025-01-01"}) {
            assertThat(TimestampParser.finerThanMillis(whole)).as(whole).isFalse();
        }
        for (String finer : new String[] {"2025-01-01T00:00:00.1234Z", "2025-01-01T00:00:00.000000001Z", "2025-01-01 00:00:00,0005",
                "1735689600.1234", "1735689600123.5", "1735689600123001", "1735689600123000001"}) {
            assertThat(TimestampParser.finerThanMillis(finer)).as(finer).isTrue();
        }
    }
}
