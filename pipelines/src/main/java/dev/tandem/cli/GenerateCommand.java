package dev.tandem.cli;

import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write a deterministic, dirty history of card transactions (JSON lines), "
                + "chargeback labels and a manifest of what was injected.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Option(names = "--events", defaultValue = "200000", description = "Number of transactions (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--seed", defaultValue = "7", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dirty-rate", defaultValue = "0.02", description = "Share of records made dirty, 0..1 (default ${DEFAULT-VALUE}).")
    double dirtyRate;

    @Option(names = "--start", defaultValue = "2025-01-01T00:00:00Z", description = "Time of the first event (default ${DEFAULT-VALUE}).")
    Instant start;

    @Option(names = "--drift-at", paramLabel = "TIME", description = "From this time (ISO-8601) on, amounts are "
            + Generator.DRIFT_AMOUNT_FACTOR + "x larger: a distribution shift for drift detection to catch (default none).")
    Instant driftAt;

    @Option(names = "--partitions", defaultValue = "1", description = "Split the transactions into this many files, "
            + "each a partition (Kafka's default partitioner of the spec's partition_key); --kafka replays file i into "
            + "partition i (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "Also replay the history into Kafka topics transactions and labels.")
    String kafka;

    @Option(names = "--rate", paramLabel = "EVENTS_PER_S", defaultValue = "0", description = "Replay rate into Kafka; 0 is full speed (default).")
    double rate;

    @Override
    public Integer call() throws Exception {
        if (events < 1) {
            throw new UsageError("--events must be at least 1");
        }
        if (dirtyRate < 0 || dirtyRate > 1) {
            throw new UsageError("--dirty-rate must be between 0 and 1");
        }
        long t0 = System.nanoTime();
        if (partitions < 1) {
            throw new UsageError("--partitions must be at least 1");
        }
        Manifest m = new Generator(new Generator.Options(out, events, seed, dirtyRate, start, driftAt, partitions),
                SpecCompiler.load(null)).run();
        System.out.printf("generated %,d transactions (%,d lines, %,d fraud, %,d labels) from %s to %s in %.1f s%n",
                m.events(), m.transactionLines(), m.fraudTransactions(), m.labels(), m.start(), m.end(),
                (System.nanoTime() - t0) / 1e9);
        System.out.printf("expected: %,d valid, dead letters %s%n", m.expectedValid(), m.expectedDeadLetters());
        System.out.println("wrote " + Generator.transactionFiles(out) + ", " + Generator.LABELS_FILE + ", " + Generator.MANIFEST_FILE);
        if (kafka != null) {
            KafkaReplay.replay(out, kafka, rate);
        }
        return 0;
    }
}
