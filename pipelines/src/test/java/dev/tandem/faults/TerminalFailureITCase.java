package dev.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.cli.CliRuns;
import dev.tandem.generate.Generator;
import dev.tandem.job.LocalJobOptions;
import dev.tandem.job.FeatureRuns;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalPostgres;
import dev.tandem.local.LocalServers;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.store.OnlineStoreSchema;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Embedded streaming jobs whose failure does not go away. A database that refuses the writes — its
 * online tables dropped, the writer's privilege on them revoked, the writer's password changed
 * under it — is not waited out by restarting: the job fails at once and {@code ./tandem stream}
 * exits 1 with the cause in one line. A failure that might go away (the database stopped) is
 * retried {@code --restart-attempts} times, then ends the command the same way.
 */
@ExtendWith(LocalServers.class)
class TerminalFailureITCase {
    @TempDir
    static Path dir;

    static CompiledSpec spec;
    static Path history;

    @BeforeAll
    static void history() throws Exception {
        spec = SpecCompiler.load(null);
        history = dir.resolve("history");
        new Generator(new Generator.Options(history, 60_000, 59, 0.0, Generator.DEFAULT_START), spec).run();
    }

    /** Something done to a running job's surroundings, and how to undo it once the job has ended. */
    private interface Fault {
        void apply(Connection writer) throws Exception;

        default void undo() throws Exception {}
    }

    private record Ended(int exit, List<String> err, Duration afterFault) {}

    @Test
    void droppedTablesEndTheJobAtOnce() throws Exception {
        Ended ended = run("terminal-dropped-", writer -> OnlineStoreSchema.drop(writer, spec));
        assertEndedAtOnce(ended, "does not exist");
    }

    @Test
    void aRevokedPrivilegeEndsTheJobAtOnce() throws Exception {
        List<String> tables = spec.entities.stream().map(g -> OnlineStoreSchema.table(spec, g)).toList();
        Ended ended = run("terminal-privilege-", new Fault() {
            @Override
            public void apply(Connection writer) throws Exception {
                for (String table : tables) {
                    execute(writer, "REVOKE INSERT, UPDATE ON " + table + " FROM " + LocalPostgres.USER);
                }
            }

            @Override
            public void undo() throws Exception {
                try (Connection writer = LocalServers.get().postgres().connect()) {
                    for (String table : tables) {
                        execute(writer, "GRANT INSERT, UPDATE ON " + table + " TO " + LocalPostgres.USER);
                    }
                }
            }
        });
        assertEndedAtOnce(ended, "permission denied");
    }

    @Test
    void aFailedLoginEndsTheJobAtOnce() throws Exception {
        LocalPostgres postgres = LocalServers.get().postgres();
        String rotated = "rotated-under-the-job";
        Ended ended = run("terminal-login-", new Fault() {
            @Override
            public void apply(Connection writer) throws Exception {
                // The password rotated, and the job's connections dropped: its next login fails.
                execute(writer, "ALTER ROLE " + LocalPostgres.USER + " PASSWORD '" + rotated + "'");
                execute(writer, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + LocalPostgres.USER
                        + "' AND pid <> pg_backend_pid()");
            }

            @Override
            public void undo() throws Exception {
                try (Connection writer = DriverManager.getConnection(postgres.jdbcUrl(), LocalPostgres.USER, rotated)) {
                    execute(writer, "ALTER ROLE " + LocalPostgres.USER + " PASSWORD '" + postgres.password() + "'");
                }
            }
        });
        assertEndedAtOnce(ended, "password authentication failed");
    }

    @Test
    void aDatabaseThatStaysAwayEndsTheJobAfterItsRestartAttempts() throws Exception {
        LocalPostgres postgres = LocalServers.get().postgres();
        Ended ended;
        try {
            ended = run("terminal-attempts-", writer -> postgres.stop(), "--restart-attempts", "2");
        } finally {
            postgres.start();
        }
        assertThat(ended.exit()).isEqualTo(1);
        assertThat(ended.err()).as("stderr").hasSize(1).first().asString().startsWith("tandem: stream failed: ");
        // Two restarts, one second then two apart (plus each start's failing connection): well under the default's minutes.
        assertThat(ended.afterFault()).as("how long two restart attempts took to end the command").isLessThan(Duration.ofSeconds(90));
    }

    private static void assertEndedAtOnce(Ended ended, String cause) {
        assertThat(ended.exit()).isEqualTo(1);
        assertThat(ended.err()).as("stderr").hasSize(1).first().asString().startsWith("tandem: stream failed: ").contains(cause);
        // At once means without the restarts a failure that may go away gets (25 by default, minutes).
        assertThat(ended.afterFault()).as("how long the failure took to end the command").isLessThan(Duration.ofSeconds(90));
    }

    /**
     * Runs {@code ./tandem stream} while events keep arriving, applies the fault once the job has
     * written online rows, and waits for the command to end.
     */
    private static Ended run(String prefix, Fault fault, String... extraArgs) throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        String bootstrap = servers.kafka().bootstrapServers();
        LocalPostgres postgres = servers.postgres();
        Topics.ensure(bootstrap, Map.of(prefix + Topics.TRANSACTIONS, 1));
        StreamingJobOptions options = LocalJobOptions.withPrefix(prefix, false, dir.resolve(prefix + "checkpoints").toUri(), "hashmap");
        RecoveryChecks.resetOnlineStore(options, spec);
        Path secret = Files.writeString(dir.resolve(prefix + "pii-key"), FeatureRuns.SECRET);
        Path password = Files.writeString(dir.resolve(prefix + "pg-password"), postgres.password());
        List<String> args = new ArrayList<>(List.of("stream", "--bootstrap", bootstrap, "--jdbc-url", postgres.jdbcUrl(),
                "--jdbc-password-file", password.toString(), "--topic-prefix", prefix, "--group-id", prefix + "group",
                "--checkpoint-interval", "PT1S", "--checkpoint-dir", dir.resolve(prefix + "checkpoints").toString(),
                "--state-backend", "hashmap", "--pii-secret-file", secret.toString(),
                // One reader for the one partition: no idle reader holds the watermark back for the idleness timeout.
                "--parallelism", "1"));
        args.addAll(List.of(extraArgs));

        StringWriter err = new StringWriter();
        CompletableFuture<Integer> stream = CompletableFuture.supplyAsync(() -> CliRuns.run(new StringWriter(), err, args.toArray(String[]::new)));
        // Events keep arriving (for over three minutes), so every restarted job has rows to write again.
        ExecutorService producing = Executors.newSingleThreadExecutor();
        Future<Long> producer = producing.submit(
                () -> new HistoryReplayer(bootstrap, 300).replay(history.resolve(Generator.TRANSACTIONS_FILE), options.transactionsTopic()));
        try {
            RecoveryChecks.awaitOnlineRows(options, spec, Duration.ofMinutes(2));
            try (Connection writer = postgres.connect()) {
                fault.apply(writer);
            }
            long faultAt = System.nanoTime();
            int exit = stream.get(3, TimeUnit.MINUTES);
            return new Ended(exit, err.toString().lines().toList(), Duration.ofNanos(System.nanoTime() - faultAt));
        } finally {
            producer.cancel(true);
            producing.shutdownNow();
            if (postgres.isRunning()) {
                fault.undo();
            }
        }
    }

    private static void execute(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
