package dev.tandem.udfs.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Pseudonymisation and masking. */
class PrivacyTest {

    @Test
    void pseudonymsAreKeyedStableAndNotABareHash() {
        Pseudonymizer a = new Pseudonymizer("secret-a");
        Pseudonymizer b = new Pseudonymizer("secret-b");
        String card = "4111111111111111";
        assertThat(a.pseudonymize(card)).hasSize(32).matches("[0-9a-f]+");
        assertThat(a.pseudonymize(card)).isEqualTo(new Pseudonymizer("secret-a").pseudonymize(card));
        assertThat(a.pseudonymize(card)).isNotEqualTo(b.pseudonymize(card));
        assertThat(a.pseudonymize(card)).isNotEqualTo(a.pseudonymize("4111111111111129"));
        assertThat(a.pseudonymize(null)).isNull();
        assertThat(a.pseudonymize("ünïcode")).hasSize(32);
    }

    @Test
    void refusesToRunWithoutASecret() {
        assertThatThrownBy(() -> new Pseudonymizer("")).hasMessageContaining(Pseudonymizer.SECRET_ENV);
        assertThatThrownBy(() -> new Pseudonymizer(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Pseudonymizer.resolveSecret("configured")).isEqualTo("configured");
    }

    @Test
    void masksCardsEmailsAndFreeText() {
        assertThat(Masking.maskCard("4111 1111 1111 1111")).endsWith("1111").doesNotContain("4111 1111");
        assertThat(Masking.maskEmail("jane@example.com")).doesNotContain("jane").endsWith("@example.com");
        assertThat(Masking.maskCard(null)).isNull();
        String text = "{\"card\":\"4111111111111111\",\"email\":\"jane@example.com\",\"amount\":\"12\"}";
        String masked = Masking.maskFreeText(text);
        assertThat(masked).doesNotContain("4111111111111111").doesNotContain("jane@example.com").contains("\"amount\":\"12\"");
        assertThat(Masking.maskAllBut("abcdef", 2)).isEqualTo("****ef");
        assertThat(Masking.maskFreeText("mail a.b+c@mail.example.org, or x@y")).isEqualTo("mail a***@mail.example.org, or x@y");
        assertThat(Masking.maskFreeText("to: jane@example.com.")).isEqualTo("to: j***@example.com.");
    }

    @Test
    void masksLongRecords() {
        String huge = "x".repeat(200_000) + " jane@example.com " + "9".repeat(100_000);
        String masked = Masking.maskFreeText(huge);
        assertThat(masked).contains(" j***@example.com ").doesNotContain("jane@").hasSize(huge.length());
    }
}
