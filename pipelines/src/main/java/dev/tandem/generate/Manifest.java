package dev.tandem.generate;

import java.util.Map;

/**
 * What a generated history holds: the lines written, what was injected per kind, and how many
 * dead letters per reason a correct pipeline must produce. {@code expectedValid} +
 * the sum of {@code expectedDeadLetters} = {@code transactionLines}.
 */
public record Manifest(
        long seed,
        long events,
        double dirtyRate,
        String start,
        String end,
        long transactionLines,
        long expectedValid,
        long fraudTransactions,
        long labels,
        Map<String, Long> injected,
        Map<String, Long> expectedDeadLetters) {}
