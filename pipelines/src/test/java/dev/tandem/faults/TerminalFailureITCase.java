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
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An embedded streaming job whose failure does not go away: its online tables dropped under it. A
 * database that refuses the writes is not waited out by restarting: the job fails at once and
 * {@code ./tandem stream} exits 1 with the cause in one line, instead of retrying forever.
 */
@ExtendWith(LocalServers.class)
class TerminalFailureITCase {
    private static final String PREFIX = "terminal-";

    @TempDir
    Path dir;

    @Test
    void aFailureThatDoesNotGoAwayEndsTheCommandWithItsCause() throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        String bootstrap = servers.kafka().bootstrapServers();
        LocalPostgres postgres = servers.postgres();
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        new Generator(new Generator.Options(history, 60_000, 59, 0.0, Generator.DEFAULT_START), spec).run();
        Topics.ensure(bootstrap, Map.of(PREFIX + Topics.TRANSACTIONS, 1));
        StreamingJobOptions options = LocalJobOptions.withPrefix(PREFIX, false, dir.resolve("checkpoints").toUri(), "hashmap");
        RecoveryChecks.resetOnlineStore(options, spec);
        Path secret = Files.writeString(dir.resolve("pii-key"), FeatureRuns.SECRET);
        Path password = Files.writeString(dir.resolve("pg-password"), postgres.password());

        StringWriter err = new StringWriter();
        CompletableFuture<Integer> stream = CompletableFuture.supplyAsync(() -> CliRuns.run(new StringWriter(), err, "stream",
                "--bootstrap", bootstrap, "--jdbc-url", postgres.jdbcUrl(), "--jdbc-password-file", password.toString(),
                "--topic-prefix", PREFIX, "--group-id", PREFIX + "group", "--checkpoint-interval", "PT1S",
                "--checkpoint-dir", dir.resolve("checkpoints").toString(), "--state-backend", "hashmap",
                "--pii-secret-file", secret.toString()));
        // Events keep arriving (for over three minutes), so every restarted job has rows to write again.
        ExecutorService producing = Executors.newSingleThreadExecutor();
        Future<Long> producer = producing.submit(
                () -> new HistoryReplayer(bootstrap, 300).replay(history.resolve(Generator.TRANSACTIONS_FILE), options.transactionsTopic()));
        RecoveryChecks.awaitOnlineRows(options, spec, Duration.ofMinutes(2));
        try (Connection c = postgres.connect()) {
            OnlineStoreSchema.drop(c, spec); // the job's writes fail from here on, whatever it does
        }
        long droppedAt = System.nanoTime();
        int exit;
        try {
            exit = stream.get(2, TimeUnit.MINUTES);
        } finally {
            producer.cancel(true);
            producing.shutdownNow();
        }
        Duration dropped = Duration.ofNanos(System.nanoTime() - droppedAt);
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines()).hasSize(1).first().asString().startsWith("tandem: stream failed: ").contains("does not exist");
        assertThat(dropped).as("how long the failure took to end the command").isLessThan(Duration.ofSeconds(90));
    }
}
