package dev.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.cli.CliRuns;
import dev.tandem.job.FeatureRuns;
import dev.tandem.local.LocalServers;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL or Kafka unreachable when the streaming job starts: one line on stderr that names the
 * component, where it was looked for and what to check, and exit code 1, within a bounded wait
 * (10 s for PostgreSQL, 30 s for Kafka) — never a hang, never a stack trace.
 */
@ExtendWith(LocalServers.class)
class UnreachableAtStartITCase {
    @TempDir
    Path dir;

    @Test
    void postgresDownAtStartIsOneLineAndExitOne() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/tandem";
        Failure failure = stream("--bootstrap", LocalServers.get().kafka().bootstrapServers(), "--jdbc-url", url);
        assertThat(failure.exit).isEqualTo(1);
        assertThat(failure.stderr.lines()).hasSize(1).first().asString()
                .startsWith("tandem: stream failed: PostgreSQL at " + url + " did not accept a connection within 10 s")
                .contains("is it running and reachable from here (--jdbc-url)?");
        // Bounded: the 10 s login timeout, plus a minute for the JVM, the job's set-up and a busy machine.
        assertThat(failure.took).as("the wait before giving up (a 10 s login timeout)").isLessThan(Duration.ofSeconds(10 + 60));
    }

    @Test
    void kafkaDownAtStartIsOneLineAndExitOne() throws Exception {
        String bootstrap = "127.0.0.1:" + closedPort();
        Failure failure = stream("--bootstrap", bootstrap, "--jdbc-url", LocalServers.get().postgres().jdbcUrl());
        assertThat(failure.exit).isEqualTo(1);
        assertThat(failure.stderr.lines()).hasSize(1).first().asString()
                .isEqualTo("tandem: stream failed: Kafka at " + bootstrap + " did not answer within 30 s: is the broker running "
                        + "and reachable from here (--bootstrap)?");
        // Bounded: the 30 s the admin client waits for an answer, plus a minute of margin.
        assertThat(failure.took).as("the wait before giving up (30 s for the broker's answer)").isLessThan(Duration.ofSeconds(30 + 60));
    }

    private record Failure(int exit, String stderr, Duration took) {}

    private Failure stream(String... where) throws Exception {
        Path secret = Files.writeString(dir.resolve("pii-key"), FeatureRuns.SECRET);
        Path password = Files.writeString(dir.resolve("pg-password"), LocalServers.get().postgres().password());
        List<String> args = new ArrayList<>(List.of("stream"));
        args.addAll(List.of(where));
        args.addAll(List.of("--pii-secret-file", secret.toString(), "--jdbc-password-file", password.toString(),
                "--topic-prefix", "unreachable-"));
        StringWriter err = new StringWriter();
        long started = System.nanoTime();
        int exit = CliRuns.run(new StringWriter(), err, args.toArray(String[]::new));
        return new Failure(exit, err.toString(), Duration.ofNanos(System.nanoTime() - started));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
