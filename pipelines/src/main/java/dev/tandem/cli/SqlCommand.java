package dev.tandem.cli;

import dev.tandem.sql.SqlClientRunner;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Open the real Flink SQL client with Tandem's UDFs and tables registered (raw events, Kafka topics, "
                + "the offline Parquet store, the online PostgreSQL tables), or run a script with -f.")
final class SqlCommand implements Callable<Integer> {
    enum Mode { batch, streaming }

    @Option(names = "-f", paramLabel = "FILE", description = "Run this script and exit; exit 1 when a statement fails.")
    Path file;

    @Option(names = "--mode", defaultValue = "streaming", description = "batch or streaming (default ${DEFAULT-VALUE}).")
    Mode mode;

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
        SqlClientRunner.Settings settings = new SqlClientRunner.Settings(mode.name(), cluster, FeaturesRun.compile(spec), variables,
                pii.orDevelopmentKey());
        SqlClientRunner runner = new SqlClientRunner(ServerCommands.home(), ServerCommands.home().resolve(".tandem/sql"));
        if (file == null) {
            return runner.runInteractive(settings);
        }
        return runner.runScript(settings, file.toAbsolutePath(), System.out);
    }
}
