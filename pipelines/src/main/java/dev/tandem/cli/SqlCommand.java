package dev.tandem.cli;

import dev.tandem.sql.ScriptMode;
import dev.tandem.sql.SqlClientRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Open the real Flink SQL client with Tandem's UDFs and tables registered (raw events, Kafka topics, "
                + "the offline Parquet store, the online PostgreSQL tables), or run a script with -f.")
final class SqlCommand implements Callable<Integer> {
    enum Mode { batch, streaming }

    @Option(names = "-f", paramLabel = "FILE", description = "Run this script and exit; exit 1 when a statement fails.")
    Path file;

    @Option(names = "--mode", description = "batch or streaming. Default: the mode a script sets itself "
            + "(SET 'execution.runtime-mode'), else batch for -f (bounded files) and streaming for an interactive session.")
    Mode mode;

    @Spec
    CommandSpec command;

    @Option(names = "--cluster", paramLabel = "HOST:PORT", description = "Run against a Flink cluster's REST endpoint instead of embedded.")
    String cluster;

    @Option(names = "--spec", description = "Feature spec whose tables to register. Default: the flagship spec.")
    Path spec;

    @Option(names = "--history", defaultValue = ".tandem/demo/history", description = "Directory of raw events and labels (default ${DEFAULT-VALUE}).")
    Path history;

    @Option(names = "--offline", defaultValue = ".tandem/demo/batch", description = "Output directory of a features run (default ${DEFAULT-VALUE}).")
    Path offline;

    @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers (default ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = ".tandem/sql",
            description = "Where the generated init file, client config and script lineage go (default ${DEFAULT-VALUE}).")
    Path workDir;

    @Mixin
    OnlineStoreOptions store;

    @Mixin
    PiiOptions pii;

    @Override
    public Integer call() throws Exception {
        String password;
        try {
            password = store.password();
        } catch (UsageError noPassword) {
            password = ""; // the online tables are registered but unusable until a password is set
        }
        Map<String, String> variables = Map.of(
                "HISTORY_DIR", history.toAbsolutePath().toString(),
                "OFFLINE_DIR", offline.toAbsolutePath().toString(),
                "KAFKA_BOOTSTRAP", bootstrap,
                "JDBC_URL", store.jdbcUrl(),
                "JDBC_USER", store.user,
                "JDBC_PASSWORD", password);
        SqlClientRunner.Settings settings = new SqlClientRunner.Settings(resolveMode(), cluster, FeaturesRun.compile(spec), variables,
                pii.orDevelopmentKey());
        SqlClientRunner runner = new SqlClientRunner(ServerCommands.home(), ServerCommands.home().resolve(workDir));
        if (file == null) {
            return runner.runInteractive(settings);
        }
        return runner.runScript(settings, file.toAbsolutePath(), command.commandLine().getOut());
    }

    /** The session's mode: --mode, else what the script sets, else batch for a script and streaming interactively. */
    private String resolveMode() throws IOException {
        if (file == null) {
            return mode == null ? Mode.streaming.name() : mode.name();
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageError("no SQL script at " + file);
        }
        Optional<String> declared = ScriptMode.declaredIn(Files.readString(file));
        if (mode != null && declared.isPresent() && !declared.get().equals(mode.name())) {
            command.commandLine().getErr().println("tandem: " + file + " sets execution.runtime-mode = " + declared.get()
                    + "; --mode " + mode + " applies only to the statements before that");
        }
        return mode != null ? mode.name() : declared.orElse(Mode.batch.name());
    }
}
