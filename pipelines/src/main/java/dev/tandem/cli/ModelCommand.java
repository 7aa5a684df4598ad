package dev.tandem.cli;

import dev.tandem.model.ModelDecision;
import dev.tandem.model.ModelFileException;
import dev.tandem.model.ModelRegistry;
import dev.tandem.model.ModelTimeline;
import dev.tandem.model.ModelVersion;
import dev.tandem.model.XgboostJson;
import dev.tandem.scoring.ScoreBaseline;
import dev.tandem.scoring.TrainingRows;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreConnections;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./tandem model register|shadow|promote|rollback|list}: the model registry (PostgreSQL,
 * {@link ModelRegistry}) and each version's lifecycle. Decisions take effect from an event time,
 * so batch, stream and server pick the same version for the same event; nothing restarts.
 */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Register model versions and decide which one scores.",
        subcommands = {ModelCommand.Register.class, ModelCommand.Shadow.class, ModelCommand.Promote.class, ModelCommand.Rollback.class,
                ModelCommand.ListVersions.class, ModelWatchCommand.class})
final class ModelCommand implements Runnable {
    /** How long after it is made a decision takes effect by default: every job and server has read it by then. */
    static final Duration DEFAULT_LEAD = Duration.ofSeconds(10);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a model command is required");
    }

    /** What every model command needs: the spec that names the models and the registry's database. */
    static class Registry {
        Path spec() {
            return spec;
        }

        @Option(names = "--spec", description = "Feature spec (YAML) that names the model. Default: the flagship card-fraud spec.")
        Path spec;

        @Mixin
        OnlineStoreOptions store;

        Connection open() throws Exception {
            return OnlineStoreConnections.open(store.jdbcUrl(), store.user, store.password());
        }

        CompiledSpec.Model model(String name) {
            CompiledSpec compiled = FeaturesRun.compile(spec);
            return compiled.models.stream().filter(m -> m.name().equals(name)).findFirst()
                    .orElseThrow(() -> new UsageError("spec " + compiled.name + " has no model '" + name + "' (models: "
                            + compiled.models.stream().map(CompiledSpec.Model::name).toList() + ")"));
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Store a model file as the model's next version, after checking that it loads and takes the spec's inputs.")
    static final class Register implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "The model, as the spec's models: section names it.")
        String name;

        @Option(names = "--file", required = true, description = "The model file: XGBoost JSON (booster.save_model(\"m.json\")).")
        Path file;

        @Option(names = "--training-set", paramLabel = "DIR", description = "The training set it was trained on (a training-set or "
                + "features output): a sample of its rows is scored and their distribution kept as the version's baseline, "
                + "which the decider's PSI compares live scores with.")
        Path trainingSet;

        /** At most this many rows are scored for the baseline (every k-th row of a larger set). */
        static final int BASELINE_ROWS = 20_000;

        @Mixin
        Registry registry;

        @Override
        public Integer call() throws Exception {
            CompiledSpec.Model model = registry.model(name);
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new UsageError("model file " + file + " does not exist");
            }
            XgboostJson.Model loaded;
            try {
                loaded = XgboostJson.read(bytes, file.toString());
            } catch (ModelFileException e) {
                throw new UsageError(e.getMessage());
            }
            checkInputs(model, loaded);
            ScoreBaseline baseline = baseline(model, loaded);
            try (Connection c = registry.open()) {
                ModelRegistry.Registered r = ModelRegistry.register(c, name, XgboostJson.FORMAT, bytes, model.inputs(),
                        baseline == null ? null : baseline.toJson());
                System.out.printf("%s model %s v%d (sha256 %s, %d trees, %s, inputs %s)%n", r.created() ? "registered" : "already registered:",
                        name, r.version(), r.sha256().substring(0, 12), loaded.ensemble().treeCount(), loaded.objective(), model.inputs());
            }
            if (baseline == null) {
                System.err.println("tandem: no --training-set: the version has no baseline, and the decider cannot watch its drift");
            } else {
                System.out.printf("baseline: %,d training rows scored, deciles %s%n", baseline.rows(), java.util.Arrays.toString(baseline.edges()));
            }
            return 0;
        }

        private ScoreBaseline baseline(CompiledSpec.Model model, XgboostJson.Model loaded) throws java.io.IOException {
            if (trainingSet == null) {
                return null;
            }
            try {
                long rows = TrainingRows.count(trainingSet);
                double[] sample = TrainingRows.scores(trainingSet, model, loaded.ensemble(), (int) Math.max(1, (rows + BASELINE_ROWS - 1) / BASELINE_ROWS));
                if (sample.length == 0) {
                    throw new UsageError("the training set in " + trainingSet + " has no rows");
                }
                return ScoreBaseline.of(sample);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
        }

        /** The file takes the spec's inputs: the same names in the same order when it names them, else as many. */
        private void checkInputs(CompiledSpec.Model model, XgboostJson.Model loaded) {
            if (!loaded.inputNames().isEmpty() && !loaded.inputNames().equals(model.inputs())) {
                throw new UsageError("model file " + file + " takes inputs " + loaded.inputNames() + ", the spec gives model " + name
                        + " " + model.inputs());
            }
            if (loaded.ensemble().inputCount() != model.inputs().size()) {
                throw new UsageError("model file " + file + " takes " + loaded.ensemble().inputCount() + " inputs, the spec gives model "
                        + name + " " + model.inputs().size());
            }
        }
    }

    /** A decision about one version of a model, from an event time on. */
    abstract static class Decide implements Callable<Integer> {
        @picocli.CommandLine.Parameters(index = "0", paramLabel = "NAME", description = "The model.")
        String name;

        @Option(names = "--effective-from", paramLabel = "INSTANT", description = "Event time from which it applies, ISO-8601 "
                + "(default: 10 s from now, so every running job and server has read it first).")
        String effectiveFrom;

        @Option(names = "--reason", description = "Recorded with the decision.")
        String reason;

        @Mixin
        Registry registry;

        abstract ModelDecision.Role role();

        /** The version the decision is about, the registry's decisions so far at hand. */
        abstract int version(Connection registry, Instant from) throws java.sql.SQLException;

        String decidedBy() {
            return "cli";
        }

        @Override
        public Integer call() throws Exception {
            registry.model(name);
            try (Connection c = registry.open()) {
                Instant from = effectiveFrom(effectiveFrom);
                int version = version(c, from);
                ModelDecision d;
                try {
                    d = ModelRegistry.decide(c, name, version, role(), from, decidedBy(), reason);
                } catch (IllegalArgumentException e) {
                    throw new UsageError(e.getMessage());
                }
                System.out.printf("model %s v%d is %s from %s (decision %d by %s)%n", name, version, role().text(), from, d.seq(),
                        decidedBy());
            }
            return 0;
        }
    }

    /** A decision about the version named with {@code --version}. */
    abstract static class OfVersion extends Decide {
        @Option(names = "--version", required = true, description = "The version (see model list).")
        int version;

        @Override
        int version(Connection registry, Instant from) {
            return version;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true, description = "Make a version the primary: its scores are answered.")
    static final class Promote extends OfVersion {
        @Override
        ModelDecision.Role role() {
            return ModelDecision.Role.PRIMARY;
        }
    }

    @Command(name = "shadow", mixinStandardHelpOptions = true,
            description = "Run a version in shadow: scored on the same vectors and logged, never answered.")
    static final class Shadow extends OfVersion {
        @Override
        ModelDecision.Role role() {
            return ModelDecision.Role.SHADOW;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Make the version that was primary before the current one the primary again.")
    static final class Rollback extends Decide {
        @Override
        ModelDecision.Role role() {
            return ModelDecision.Role.PRIMARY;
        }

        @Override
        int version(Connection registry, Instant from) throws java.sql.SQLException {
            return ModelTimeline.previousPrimary(ModelRegistry.decisions(registry, 0), name, from.toEpochMilli())
                    .orElseThrow(() -> new UsageError("model " + name + " has no earlier primary version to roll back to"));
        }

        @Override
        String decidedBy() {
            return "rollback";
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every version, its role now, and the decisions.")
    static final class ListVersions implements Callable<Integer> {
        @Mixin
        OnlineStoreOptions store;

        @Override
        public Integer call() throws Exception {
            try (Connection c = OnlineStoreConnections.open(store.jdbcUrl(), store.user, store.password())) {
                List<ModelDecision> decisions = ModelRegistry.decisions(c, 0);
                long now = System.currentTimeMillis();
                System.out.printf("%-20s %7s  %-8s  %-12s  %-24s  %s%n", "model", "version", "now", "sha256", "registered", "inputs");
                for (ModelVersion v : ModelRegistry.versions(c, null)) {
                    ModelTimeline timeline = ModelTimeline.of(v.model(), decisions);
                    String role = timeline.primaryAt(now) == v.version() ? "primary"
                            : java.util.Arrays.stream(timeline.shadowsAt(now)).anyMatch(s -> s == v.version()) ? "shadow" : "-";
                    System.out.printf("%-20s %7d  %-8s  %-12s  %-24s  %s%n", v.model(), v.version(), role, v.sha256().substring(0, 12),
                            Instant.ofEpochMilli(v.registeredAt()), String.join(",", v.inputs()));
                }
                System.out.printf("%ndecisions:%n");
                for (ModelDecision d : decisions) {
                    System.out.printf("%5d  %-20s v%-4d %-8s from %-24s by %-8s %s%n", d.seq(), d.model(), d.version(), d.role().text(),
                            Instant.ofEpochMilli(d.effectiveFrom()), d.decidedBy(), d.reason() == null ? "" : d.reason());
                }
            }
            return 0;
        }
    }

    static Instant effectiveFrom(String text) {
        if (text == null) {
            return Instant.now().plus(DEFAULT_LEAD);
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new UsageError("--effective-from '" + text + "' is not an ISO-8601 instant (e.g. 2026-12-01T00:00:00Z)");
        }
    }
}
