package dev.tandem.udfs.logic;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class AmountParserTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "12.50|12.50",
        "1,234.50|1234.50",
        "1.234,50|1234.50",
        "1 234,50|1234.50",
        "$12|12",
        "12 USD|12",
        "USD 12|12",
        "€ 9,99|9.99",
        "-0|0",
        "(12.00)|-12.00",
        "-3.5|-3.5",
        "1,234|1234",
        "0.125|0.125",
        "1.234.567,89|1234567.89",
        "  7  |7",
        "\u221212|-12",

    })
    void parsesRealWorldSpellings(String raw, String expected) {
        Cleaned<BigDecimal> parsed = AmountParser.parse(raw);
        assertThat(parsed.isOk()).as(parsed.toString()).isTrue();
        assertThat(parsed.value()).isEqualByComparingTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "$"})
    void refusesEmptyInput(String raw) {
        Cleaned<BigDecimal> parsed = AmountParser.parse(raw);
        assertThat(parsed.isOk()).isFalse();
        assertThat(parsed.reason()).isIn("empty", "not_a_number");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "NaN|nan",
        "Infinity|infinite",
        "-inf|infinite",
        "twelve|not_a_number",
        "12..5|bad_grouping",
        "12,34,5|bad_grouping",
        "１２|not_a_number",
        "1,23,4.5,6|bad_grouping",
    })
    void refusesGarbageWithAReason(String raw, String reason) {
        assertThat(AmountParser.parse(raw).reason()).isEqualTo(reason);
    }

    @org.junit.jupiter.api.Test
    void refusesOverlongInputBeforeParsing() {
        assertThat(AmountParser.parse("9".repeat(AmountParser.MAX_LENGTH + 1)).reason()).isEqualTo("too_long");
    }

    @org.junit.jupiter.api.Test
    void keepsHugeAndTinyValuesExactly() {
        assertThat(AmountParser.parse("99999999999999999999.99").value())
                .isEqualByComparingTo("99999999999999999999.99");
        assertThat(AmountParser.parse("0.01").value()).isEqualByComparingTo("0.01");
    }
}
