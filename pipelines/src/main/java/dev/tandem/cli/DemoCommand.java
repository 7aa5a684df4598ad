package dev.tandem.cli;

import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.job.RunSummary;
import dev.tandem.parity.ParityChecker;
import dev.tandem.parity.ParityReport;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generate a dirty history, compute the flagship features in batch and in streaming "
                + "mode, and check that both agree for every event.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = ".tandem/demo", description = "Working directory (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--events", defaultValue = "200000", description = "Transactions to generate (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--seed", defaultValue = "7", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        Path history = dir.resolve("history");
        System.out.printf("[1/4] generating %,d transactions into %s%n", events, history);
        Manifest manifest = new Generator(new Generator.Options(history, events, seed, 0.02, Generator.DEFAULT_START),
                SpecCompiler.load(null)).run();
        System.out.printf("      %,d lines, expected dead letters %s%n", manifest.transactionLines(), manifest.expectedDeadLetters());
        System.out.println("[2/4] batch run (training-style backfill)");
        RunSummary batch = FeaturesRun.run("batch", history, dir.resolve("batch"), null, 2, "rocksdb", 2000);
        System.out.println("      " + batch.render());
        System.out.println("[3/4] streaming run over the same events");
        RunSummary streaming = FeaturesRun.run("streaming", history, dir.resolve("streaming"), null, 2, "rocksdb", 2000);
        System.out.println("      " + streaming.render());
        System.out.println("[4/4] parity, batch vs streaming");
        ParityReport parity = ParityChecker.compare(dir.resolve("batch"), dir.resolve("streaming"));
        System.out.print(parity.render());
        boolean manifestMatches = batch.deadLettersByReason().equals(manifest.expectedDeadLetters());
        System.out.println(manifestMatches ? "dead letters match the generator's manifest"
                : "dead letters DIFFER from the manifest: " + batch.deadLettersByReason() + " vs " + manifest.expectedDeadLetters());
        return parity.passed() && manifestMatches && batch.accountedFor() && streaming.accountedFor() ? 0 : 1;
    }
}
