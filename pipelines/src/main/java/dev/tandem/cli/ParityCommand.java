package dev.tandem.cli;

import dev.tandem.parity.OnlineStoreParity;
import dev.tandem.parity.ParityChecker;
import dev.tandem.parity.ParityReport;
import dev.tandem.spec.CompiledSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "parity", mixinStandardHelpOptions = true,
        description = "Compare two feature outputs event by event; exit 1 on any difference beyond listed late events.")
final class ParityCommand implements Callable<Integer> {
    @Option(names = "--left", required = true, description = "Output directory of one run (e.g. batch).")
    Path left;

    @Option(names = "--right", description = "Output directory of the other run (e.g. streaming).")
    Path right;

    @Option(names = "--online", description = "Compare the online store (PostgreSQL) with the last vector per entity of --left instead.")
    boolean online;

    @Option(names = "--spec", description = "Feature spec of the outputs (for --online). Default: the flagship spec.")
    Path spec;

    @Mixin
    OnlineStoreOptions store;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        if (online) {
            return compareOnline();
        }
        if (right == null) {
            throw new UsageError("give --right DIR, or --online to compare with the online store");
        }
        for (Path dir : new Path[] {left, right}) {
            if (!Files.isDirectory(dir.resolve("features"))) {
                throw new UsageError(dir + " is not a features output (no features/ directory)");
            }
        }
        ParityReport report = ParityChecker.compare(left, right);
        out().println("parity: left " + left + " vs right " + right);
        out().print(report.render());
        return report.passed() ? 0 : 1;
    }

    private PrintWriter out() {
        return command.commandLine().getOut();
    }

    private int compareOnline() throws Exception {
        CompiledSpec compiled = FeaturesRun.compile(spec);
        try (Connection c = DriverManager.getConnection(store.jdbcUrl(), store.user, store.password())) {
            boolean passed = true;
            out().println("parity: online store " + store.jdbcUrl() + " vs last vector per entity in " + left);
            for (OnlineStoreParity.GroupResult r : OnlineStoreParity.compare(left, compiled, c)) {
                out().printf("%-10s entities %,d   mismatched %,d   missing online %,d   extra online %,d%n",
                        r.group(), r.entities(), r.mismatched(), r.missingOnline(), r.extraOnline());
                r.examples().forEach(e -> out().println("  " + e));
                passed &= r.passed();
            }
            out().println(passed ? "PARITY OK" : "PARITY FAILED");
            return passed ? 0 : 1;
        }
    }
}
