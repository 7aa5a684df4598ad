package dev.tandem.local;

import dev.tandem.parity.OutputFiles;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the real Kafka broker and PostgreSQL server once per test run, on free ports with data
 * under {@code target/it-servers}, and stops them when the run ends. No mocks, no in-memory stand-ins.
 */
public final class LocalServers implements BeforeAllCallback {
    private static Servers servers;

    /** The running servers of this test run. */
    public record Servers(LocalKafka kafka, LocalPostgres postgres) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Exception {
            try {
                kafka.stop();
            } finally {
                postgres.stop();
            }
        }
    }

    public static Servers get() {
        return servers;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) throws Exception {
        if (servers != null) {
            return;
        }
        Path root = Path.of("target", "it-servers").toAbsolutePath();
        OutputFiles.deleteRecursively(root);
        Files.createDirectories(root);
        Path classpath = Path.of(System.getProperty("tandem.kafka.classpath", "../deploy/local/target/kafka.classpath"));
        LocalKafka kafka = new LocalKafka(root.resolve("kafka"), freePortPair(), classpath);
        LocalPostgres postgres = new LocalPostgres(root.resolve("postgres"), freePortPair());
        servers = new Servers(kafka, postgres);
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(LocalServers.class, servers);
        kafka.start();
        postgres.start();
    }

    /** A free port whose successor is free too (Kafka's controller listens on port + 1). */
    public static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            try (ServerSocket next = new ServerSocket(port + 1)) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no two adjacent free ports");
    }
}
