package dev.tandem.udfs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The wrappers turn refusals and NaN into SQL NULL and pass everything else through. */
class FunctionsTest {

    @Test
    void cleaningWrappers() {
        assertThat(new ParseAmount().eval("1.234,50 EUR")).isEqualByComparingTo(new BigDecimal("1234.50"));
        assertThat(new ParseAmount().eval("abc")).isNull();
        assertThat(new ParseAmount().eval(null)).isNull();
        assertThat(new AmountRejectReason().eval("abc")).isEqualTo("not_a_number");
        assertThat(new AmountRejectReason().eval("12")).isNull();
        assertThat(new NormalizeCurrency().eval("€")).isEqualTo("EUR");
        assertThat(new NormalizeCurrency().eval("??")).isNull();
        assertThat(new ToBaseCurrency().eval(10.0, "USD")).isEqualTo(10.0);
        assertThat(new ToBaseCurrency().eval(10.0, "XXX")).isNull();
        assertThat(new ToBaseCurrency().eval(null, "USD")).isNull();
        assertThat(new ParseTimestamp().eval("2025-01-01T12:00:00+01:00")).isEqualTo(Instant.parse("2025-01-01T11:00:00Z"));
        assertThat(new ParseTimestamp().eval(1_735_732_800L)).isEqualTo(Instant.parse("2025-01-01T12:00:00Z"));
        assertThat(new ParseTimestamp().eval("garbage")).isNull();
        assertThat(new ParseTimestamp().eval((Long) null)).isNull();
        assertThat(new NormalizeEmail().eval("A@B.CO")).isEqualTo("a@b.co");
        assertThat(new NormalizeCountry().eval("France")).isEqualTo("FR");
        assertThat(new IsValidCard().eval("4111111111111111")).isTrue();
        assertThat(new IsValidCard().eval("4111111111111112")).isFalse();
        assertThat(new IsValidCard().eval(null)).isNull();
        assertThat(new MaskCard().eval("4111111111111111")).endsWith("1111").startsWith("*");
        assertThat(new MaskText().eval("call 4111 1111 1111 1111")).doesNotContain("4111 1111 1111");
    }

    @Test
    void featureWrappers() {
        assertThat(new HaversineKm().eval(0.0, 0.0, 0.0, 1.0)).isBetween(111.0, 111.4);
        assertThat(new HaversineKm().eval(null, 0.0, 0.0, 1.0)).isNull();
        assertThat(new Log1p().eval(-5.0)).isNull();
        assertThat(new Bucketize().eval(50.0, 10.0, 100.0)).isEqualTo(1);
        assertThat(new Bucketize().eval(null, 10.0)).isNull();
        assertThat(new CyclicTime.HourCos().eval(Instant.parse("2025-01-01T00:00:00Z"))).isEqualTo(1.0);
        assertThat(new CyclicTime.DowSin().eval(null)).isNull();
        assertThat(new SafeRatio().eval(1.0, 0.0)).isNull();
        assertThat(new ZScore().eval(3.0, 1.0, 2.0)).isEqualTo(1.0);
    }

    @Test
    void registryNamesEveryFunctionOnce() {
        assertThat(FunctionRegistry.FUNCTIONS).extracting(FunctionRegistry.Entry::sqlName).doesNotHaveDuplicates();
        assertThat(FunctionRegistry.FUNCTIONS).extracting(FunctionRegistry.Entry::implementation).doesNotHaveDuplicates();
        assertThat(FunctionRegistry.createStatements().lines()).hasSize(FunctionRegistry.FUNCTIONS.size())
                .allMatch(l -> l.startsWith("CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS "));
    }
}
