package dev.tandem.cli;

import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalKafka;
import dev.tandem.local.LocalPostgres;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./tandem kafka|postgres start|stop|status}: the real servers Tandem runs on, on loopback. */
final class ServerCommands {
    enum Action { start, stop, status }

    /** The project directory, set by the launcher; servers keep their data under its .tandem/. */
    static Path home() {
        return Path.of(System.getProperty("tandem.home", "."));
    }

    static LocalKafka kafka(int port) {
        return new LocalKafka(home().resolve(".tandem/kafka"), port, home().resolve("deploy/local/target/kafka.classpath"));
    }

    static LocalPostgres postgres(int port) {
        return new LocalPostgres(home().resolve(".tandem/postgres"), port);
    }

    @Command(name = "kafka", mixinStandardHelpOptions = true,
            description = "Start, stop or check the local Kafka broker (KRaft, 127.0.0.1, data in .tandem/kafka).")
    static final class Kafka implements Callable<Integer> {
        @Parameters(index = "0", description = "start, stop or status")
        Action action;

        @Option(names = "--port", defaultValue = "9092", description = "Broker port; the controller uses the next one (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--partitions", defaultValue = "" + Topics.DEFAULT_INPUT_PARTITIONS,
                description = "Partitions of the transactions topic it creates (default ${DEFAULT-VALUE}).")
        int partitions;

        @Override
        public Integer call() throws Exception {
            LocalKafka kafka = kafka(port);
            switch (action) {
                case start -> {
                    if (partitions < 1) {
                        throw new UsageError("--partitions must be at least 1");
                    }
                    kafka.start();
                    Topics.ensure(kafka.bootstrapServers(), Map.of(Topics.TRANSACTIONS, partitions, Topics.LABELS, 1));
                    System.out.println("kafka running at " + kafka.bootstrapServers() + " (topic " + Topics.TRANSACTIONS + ": "
                            + Topics.partitions(kafka.bootstrapServers(), Topics.TRANSACTIONS) + " partitions)");
                }
                case stop -> {
                    kafka.stop();
                    System.out.println("kafka stopped");
                }
                case status -> {
                    boolean up = kafka.isRunning();
                    System.out.println("kafka " + (up ? "running at " + kafka.bootstrapServers() : "not running"));
                    return up ? 0 : 3;
                }
            }
            return 0;
        }
    }

    @Command(name = "postgres", mixinStandardHelpOptions = true,
            description = "Start, stop or check the local PostgreSQL (127.0.0.1, data in .tandem/postgres).")
    static final class Postgres implements Callable<Integer> {
        @Parameters(index = "0", description = "start, stop or status")
        Action action;

        @Option(names = "--port", defaultValue = "5433", description = "Port (default ${DEFAULT-VALUE}).")
        int port;

        @Override
        public Integer call() throws Exception {
            LocalPostgres pg = postgres(port);
            switch (action) {
                case start -> {
                    pg.start();
                    System.out.println("postgres running at " + pg.jdbcUrl() + " (user " + LocalPostgres.USER
                            + ", password in .tandem/postgres/password)");
                }
                case stop -> {
                    pg.stop();
                    System.out.println("postgres stopped");
                }
                case status -> {
                    boolean up = pg.isRunning();
                    System.out.println("postgres " + (up ? "running at " + pg.jdbcUrl() : "not running"));
                    return up ? 0 : 3;
                }
            }
            return 0;
        }
    }
}
