package dev.tandem.udfs.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CurrencyTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "usd|USD", " EUR |EUR", "$|USD", "€|EUR", "£|GBP", "EURO|EUR",
        "Dollars|USD", "jpy|JPY", "¥|JPY", "chf|CHF",
    })
    void normalisesCodesSymbolsAndMisspellings(String raw, String iso) {
        assertThat(CurrencyNormalizer.normalize(raw).value()).isEqualTo(iso);
    }

    @Test
    void refusesUnknownAndEmpty() {
        assertThat(CurrencyNormalizer.normalize("XYZ").reason()).isEqualTo("unknown_currency");
        assertThat(CurrencyNormalizer.normalize("dogecoin").reason()).isEqualTo("unknown_currency");
        assertThat(CurrencyNormalizer.normalize(null).reason()).isEqualTo("empty");
        assertThat(CurrencyNormalizer.normalize("  ").reason()).isEqualTo("empty");
    }

    @Test
    void convertsToTheBaseCurrency() {
        CurrencyConverter converter = new CurrencyConverter("USD", Map.of("EUR", 1.10, "USD", 1.0));
        assertThat(converter.toBase(10.0, "EUR").value()).isCloseTo(11.0, within(1e-12));
        assertThat(converter.toBase(10.0, "USD").value()).isEqualTo(10.0);
        assertThat(converter.toBase(10.0, "JPY").reason()).isEqualTo("unknown_rate");
        assertThat(converter.toBaseOrNaN(10.0, "JPY")).isNaN();
    }

    @Test
    void defaultTableCoversTheMajorCurrencies() {
        CurrencyConverter table = CurrencyConverter.defaultTable();
        assertThat(table.base()).isEqualTo("USD");
        for (String code : new String[] {"USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD"}) {
            assertThat(table.toBase(1.0, code).isOk()).as(code).isTrue();
        }
    }
}
