package dev.tandem.udfs.logic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Email, country and card-number cleaning. */
class IdentityCleanersTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "' Jane.Doe@Example.COM '|jane.doe@example.com",
        "ünïcode@bücher.de|ünïcode@bücher.de",
        "a+tag@x.io|a+tag@x.io",
    })
    void normalisesEmails(String raw, String expected) {
        assertThat(EmailNormalizer.normalize(raw).value()).isEqualTo(expected);
    }

    @Test
    void refusesBrokenEmails() {
        assertThat(EmailNormalizer.normalize("no-at-sign").reason()).isEqualTo("not_an_email");
        assertThat(EmailNormalizer.normalize("two@@x.io").reason()).isEqualTo("not_an_email");
        assertThat(EmailNormalizer.normalize("@x.io").reason()).isEqualTo("not_an_email");
        assertThat(EmailNormalizer.normalize(null).reason()).isEqualTo("empty");
        assertThat(EmailNormalizer.normalize("a".repeat(300) + "@x.io").reason()).isEqualTo("too_long");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "de|DE", "DEU|DE", "Germany|DE", "deutschland|DE", "UK|GB", "USA|US", "' fr '|FR",
    })
    void normalisesCountries(String raw, String iso) {
        assertThat(CountryNormalizer.normalize(raw).value()).isEqualTo(iso);
    }

    @Test
    void refusesUnknownCountries() {
        assertThat(CountryNormalizer.normalize("Atlantis").reason()).isEqualTo("unknown_country");
        assertThat(CountryNormalizer.normalize("").reason()).isEqualTo("empty");
    }

    @Test
    void checksCardNumbersWithLuhn() {
        assertThat(CardNumbers.clean("4111 1111 1111 1111").value()).isEqualTo("4111111111111111");
        assertThat(CardNumbers.clean("4111-1111-1111-1111").isOk()).isTrue();
        assertThat(CardNumbers.clean("4111111111111112").reason()).isEqualTo("luhn");
        assertThat(CardNumbers.clean("4111").reason()).isEqualTo("bad_length");
        assertThat(CardNumbers.clean("4111x111111111111").reason()).isEqualTo("not_digits");
        assertThat(CardNumbers.clean("").reason()).isEqualTo("empty");
        assertThat(CardNumbers.clean("4".repeat(200)).reason()).isEqualTo("too_long");
        assertThat(CardNumbers.clean("٤١١١١١١١١١١١١١١١").isOk()).isFalse();
    }

    @Test
    void computesCheckDigitsThatPassLuhn() {
        // By hand: doubling every second digit from the right of 453201511283036 gives digit sums
        // 3+3+0+3+7+2+2+1+1+1+0+2+6+5+8 = 44, so the check digit is 6.
        assertThat(CardNumbers.luhnCheckDigit("453201511283036")).isEqualTo(6);
        assertThat(CardNumbers.luhnCheckDigit("411111111111111")).isEqualTo(1); // the well-known 4111 1111 1111 1111
        assertThat(CardNumbers.luhnCheckDigit("7992739871")).isEqualTo(3); // the textbook example, 79927398713
        assertThat(CardNumbers.luhnValid("4532015112830366")).isTrue();
        assertThat(CardNumbers.luhnValid("4532015112830367")).isFalse();
    }
}
