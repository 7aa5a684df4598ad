package dev.tandem.cli;

import dev.tandem.parity.ParityChecker;
import dev.tandem.parity.ParityReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "parity", mixinStandardHelpOptions = true,
        description = "Compare two feature outputs event by event; exit 1 on any difference beyond listed late events.")
final class ParityCommand implements Callable<Integer> {
    @Option(names = "--left", required = true, description = "Output directory of one run (e.g. batch).")
    Path left;

    @Option(names = "--right", required = true, description = "Output directory of the other run (e.g. streaming).")
    Path right;

    @Override
    public Integer call() throws Exception {
        for (Path dir : new Path[] {left, right}) {
            if (!Files.isDirectory(dir.resolve("features"))) {
                throw new UsageError(dir + " is not a features output (no features/ directory)");
            }
        }
        ParityReport report = ParityChecker.compare(left, right);
        System.out.println("parity: left " + left + " vs right " + right);
        System.out.print(report.render());
        return report.passed() ? 0 : 1;
    }
}
