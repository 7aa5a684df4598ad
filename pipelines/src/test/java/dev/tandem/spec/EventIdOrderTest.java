package dev.tandem.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How ties on event time are broken: numeric ids as numbers, text ids by their UTF-8 bytes. */
class EventIdOrderTest {
    @Test
    void numericIdsCompareAsNumbers() {
        assertThat(EventIdOrder.NUMERIC.compare("10", "9")).isPositive(); // as text, "9" would win
        assertThat(EventIdOrder.NUMERIC.compare("-3", "2")).isNegative();
        assertThat(EventIdOrder.NUMERIC.compare("9223372036854775807", "9223372036854775806")).isPositive();
        assertThat(EventIdOrder.NUMERIC.compare("42", "42")).isZero();
    }

    @Test
    void textIdsCompareByUtf8Bytes() {
        // U+FF5E (EF BD 9E) against U+1F600 (F0 9F 98 80): UTF-8 puts the emoji last; UTF-16 units
        // (FF5E vs the surrogate D83D) put it first, which is what String.compareTo does.
        String fullwidthTilde = "\uFF5E";
        String emoji = "\uD83D\uDE00";
        assertThat(fullwidthTilde.compareTo(emoji)).isPositive();
        assertThat(EventIdOrder.UTF8_BYTES.compare(fullwidthTilde, emoji)).isNegative();
        assertThat(EventIdOrder.UTF8_BYTES.compare(emoji, fullwidthTilde)).isPositive();

        assertThat(EventIdOrder.UTF8_BYTES.compare("9", "10")).isPositive(); // text: '9' (0x39) > '1' (0x31)
        assertThat(EventIdOrder.UTF8_BYTES.compare("B", "a")).isNegative(); // 0x42 < 0x61: no locale rules
        assertThat(EventIdOrder.UTF8_BYTES.compare("ab", "abc")).isNegative();
        assertThat(EventIdOrder.UTF8_BYTES.compare("é", "z")).isPositive(); // C3 A9 > 7A
        assertThat(EventIdOrder.UTF8_BYTES.compare("\uE000", "\uD800\uDC00")).isNegative(); // U+E000 < U+10000
        assertThat(EventIdOrder.UTF8_BYTES.compare("x\uD83D\uDE00", "x\uD83D\uDE01")).isNegative();
        assertThat(EventIdOrder.UTF8_BYTES.compare("same", "same")).isZero();
    }

    @Test
    void theSpecChoosesTheOrderFromTheIdsType() {
        assertThat(TestSpecs.sensors().eventIdOrder).isEqualTo(EventIdOrder.UTF8_BYTES);
        CompiledSpec numeric = SpecCompiler.compile(TestSpecs.SENSORS.replace("id:     { type: string", "id:     { type: long"), "numeric.yaml");
        assertThat(numeric.eventIdOrder).isEqualTo(EventIdOrder.NUMERIC);
    }
}
