package dev.tandem.cli;

import dev.tandem.store.OnlineStoreConnections;
import dev.tandem.parity.ParityChecker;
import dev.tandem.parity.ParityReport;
import dev.tandem.quality.DriftStore;
import dev.tandem.quality.QualityPlan;
import dev.tandem.quality.QualityResults;
import dev.tandem.quality.QualityStore;
import dev.tandem.report.QualityReport;
import dev.tandem.scoring.ModelQuality;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.sql.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write a self-contained HTML quality report: per-column histograms, refusals per window by "
                + "reason, expectation status, drift and (with --compare) batch-vs-stream parity.")
final class ReportCommand implements Callable<Integer> {
    static final class From {
        @Option(names = "--input", description = "Output directory of a batch run (features or training-set).")
        Path input;

        @Option(names = "--postgres", description = "The streaming job's quality tables in the online store.")
        boolean postgres;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    From from;

    @Option(names = "--out", required = true, description = "The HTML file to write.")
    Path out;

    @Option(names = "--compare", description = "Another run's output directory (e.g. streaming) to show parity with --input.")
    Path compare;

    @Option(names = "--spec", description = "Feature spec (for --postgres: which feature set). Default: the flagship spec.")
    Path spec;

    @Mixin
    OnlineStoreOptions store;

    @Override
    public Integer call() throws Exception {
        CompiledSpec compiled = FeaturesRun.compile(spec);
        String version = OnlineStoreSchema.featureSetVersion(compiled);
        QualityResults quality;
        List<ModelQuality.Row> models = List.of();
        String source;
        if (from.postgres) {
            try (Connection c = OnlineStoreConnections.open(store.jdbcUrl(), store.user, store.password())) {
                QualityStore.migrate(c);
                quality = QualityStore.read(c, version);
                models = ModelQuality.read(c);
            }
            source = store.jdbcUrl();
        } else {
            if (!Files.isDirectory(from.input.resolve("quality"))) {
                throw new UsageError(from.input + " has no quality/ directory: run features or training-set into it first");
            }
            quality = QualityResults.fromFiles(from.input);
            source = from.input.toString();
        }
        if (quality.windows().isEmpty()) {
            throw new UsageError("no quality windows found in " + source + " for " + version);
        }
        QualityReport.Parity parity = null;
        if (compare != null) {
            if (from.input == null) {
                throw new UsageError("--compare needs --input");
            }
            ParityReport report = ParityChecker.compare(from.input, compare);
            parity = QualityReport.Parity.of(report, from.input.toString(), compare.toString());
        }
        String html = QualityReport.render(version, source, QualityPlan.load(compiled), quality, parity,
                DriftStore.summarize(quality.drift()), models);
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        Files.writeString(out, html);
        System.out.printf("report: %,d windows, %,d columns, %,d breaches -> %s%n", quality.windows().size(),
                quality.columnNames().size(), quality.alerts().size(), out);
        return 0;
    }
}
