package dev.tandem.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.LatenessGate;
import dev.tandem.ingest.RecordCleaner;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.udfs.logic.CurrencyConverter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
    private static final CompiledSpec SPEC = SpecCompiler.load(null);

    @TempDir
    Path dir;

    private Manifest generate(String name, long events, long seed, double dirtyRate) throws Exception {
        return new Generator(new Generator.Options(dir.resolve(name), events, seed, dirtyRate, Generator.DEFAULT_START), SPEC).run();
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherHistory() throws Exception {
        generate("a", 5_000, 3, 0.05);
        generate("b", 5_000, 3, 0.05);
        generate("c", 5_000, 4, 0.05);
        assertThat(Files.readAllBytes(dir.resolve("a/transactions.jsonl"))).isEqualTo(Files.readAllBytes(dir.resolve("b/transactions.jsonl")));
        assertThat(Files.readAllBytes(dir.resolve("a/labels.jsonl"))).isEqualTo(Files.readAllBytes(dir.resolve("b/labels.jsonl")));
        assertThat(Files.readAllBytes(dir.resolve("a/transactions.jsonl"))).isNotEqualTo(Files.readAllBytes(dir.resolve("c/transactions.jsonl")));
    }

    /** Replays the written lines through the real cleaner and lateness rule: the manifest must be exact. */
    @Test
    void manifestPredictsExactlyWhatIngestionRefuses() throws Exception {
        Manifest manifest = generate("dirty", 20_000, 5, 0.1);
        RecordCleaner cleaner = new RecordCleaner(SPEC, "s", CurrencyConverter.defaultTable(), System::currentTimeMillis);
        LatenessGate gate = new LatenessGate(SPEC.maxOutOfOrdernessMillis);
        Set<String> seen = new HashSet<>();
        Map<String, Long> refused = new HashMap<>();
        long valid = 0;
        List<String> lines = Files.readAllLines(dir.resolve("dirty/transactions.jsonl"));
        for (String line : lines) {
            RecordCleaner.Outcome outcome = cleaner.clean(line);
            String reason;
            if (outcome.deadLetter() != null) {
                reason = outcome.deadLetter().reason;
            } else {
                CleanEvent e = outcome.event();
                reason = !gate.admit(e.eventTime) ? "late" : !seen.add(e.eventId) ? "duplicate" : null;
            }
            if (reason == null) {
                valid++;
            } else {
                refused.merge(reason, 1L, Long::sum);
            }
        }
        assertThat(lines).hasSize((int) manifest.transactionLines());
        assertThat(refused).isEqualTo(manifest.expectedDeadLetters());
        assertThat(valid).isEqualTo(manifest.expectedValid());
        assertThat(manifest.injected().keySet()).hasSize(DirtyKind.values().length);
    }

    @Test
    void historyIsRealistic() throws Exception {
        Manifest manifest = generate("clean", 20_000, 9, 0);
        assertThat(manifest.expectedDeadLetters()).isEmpty();
        assertThat(manifest.fraudTransactions()).isPositive();
        long previous = Long.MIN_VALUE;
        Set<String> cards = new HashSet<>();
        for (String line : Files.readAllLines(dir.resolve("clean/transactions.jsonl"))) {
            JsonNode n = Generator.JSON.readTree(line);
            long t = java.time.Instant.parse(n.get("ts").asText()).toEpochMilli();
            assertThat(t).isGreaterThanOrEqualTo(previous); // clean history is in time order
            previous = t;
            cards.add(n.get("card_number").asText());
            assertThat(dev.tandem.udfs.logic.CardNumbers.luhnValid(n.get("card_number").asText())).isTrue();
        }
        assertThat(cards.size()).isGreaterThan(100);
        // Labels come 1 to 60 days after their transaction, in label-time order.
        long lastLabel = Long.MIN_VALUE;
        for (String line : Files.readAllLines(dir.resolve("clean/labels.jsonl"))) {
            long t = java.time.Instant.parse(Generator.JSON.readTree(line).get("label_time").asText()).toEpochMilli();
            assertThat(t).isGreaterThanOrEqualTo(lastLabel);
            lastLabel = t;
        }
        assertThat(manifest.labels()).isPositive();
    }

    @Test
    void issuersDeclineFraudFarMoreOftenThanHonestPayments() throws Exception {
        generate("outcomes", 40_000, 11, 0);
        Set<String> fraud = new HashSet<>();
        for (String line : Files.readAllLines(dir.resolve("outcomes/labels.jsonl"))) {
            JsonNode label = Generator.JSON.readTree(line);
            if (label.get("reason").asText().equals("fraud")) {
                fraud.add(label.get("txn_id").asText());
            }
        }
        long[] declined = new long[2];
        long[] total = new long[2];
        for (String line : Files.readAllLines(dir.resolve("outcomes/transactions.jsonl"))) {
            JsonNode n = Generator.JSON.readTree(line);
            int f = fraud.contains(n.get("txn_id").asText()) ? 1 : 0;
            total[f]++;
            String status = n.get("status").asText();
            assertThat(status).isIn("approved", "declined");
            declined[f] += status.equals("declined") ? 1 : 0;
        }
        double honestRate = (double) declined[0] / total[0];
        double fraudRate = (double) declined[1] / total[1];
        assertThat(total[1]).as("fraudulent transactions").isGreaterThan(50);
        assertThat(honestRate).isBetween(0.02, 0.05);
        assertThat(fraudRate).as("fraud decline rate (honest: " + honestRate + ")").isGreaterThan(3 * honestRate);
    }
}
