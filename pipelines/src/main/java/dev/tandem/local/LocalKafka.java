package dev.tandem.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker in KRaft mode, from Kafka's own jars, bound to 127.0.0.1 with its
 * data under {@code dir}. It outlives the JVM that started it; {@link #stop} ends it.
 */
public final class LocalKafka implements LocalServer {
    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final Path classpathFile;

    public LocalKafka(Path dir, int port, Path classpathFile) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
        this.controllerPort = port + 1;
        this.classpathFile = classpathFile;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public boolean isRunning() throws IOException {
        return Processes.running(dir.resolve("kafka.pid")).isPresent();
    }

    @Override
    public void start() throws Exception {
        if (isRunning()) {
            return;
        }
        if (!Files.exists(classpathFile)) {
            throw new IOException("no Kafka classpath at " + classpathFile + "; run ./tandem build");
        }
        Files.createDirectories(dir);
        Path config = writeConfig();
        Path log4j = dir.resolve("log4j2.properties");
        Files.writeString(log4j, "rootLogger.level = WARN\nrootLogger.appenderRef.f.ref = F\n"
                + "appender.f.name = F\nappender.f.type = Console\nappender.f.layout.type = PatternLayout\n"
                + "appender.f.layout.pattern = %d %-5p %c{1} - %m%n\n");
        String classpath = Files.readString(classpathFile).strip();
        List<String> java = List.of(Processes.javaBinary(), "-Xms256m", "-Xmx512m", "-Dlog4j2.configurationFile=" + log4j, "-cp", classpath);
        if (!Files.exists(dir.resolve("data/meta.properties"))) {
            List<String> format = new java.util.ArrayList<>(java);
            format.addAll(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()));
            Processes.run(format, Duration.ofMinutes(2));
        }
        List<String> server = new java.util.ArrayList<>(java);
        server.addAll(List.of("kafka.Kafka", config.toString()));
        Processes.spawn(server, dir.resolve("kafka.log"), dir.resolve("kafka.pid"));
        awaitReady(Duration.ofSeconds(90));
    }

    @Override
    public void stop() throws Exception {
        Processes.stop(dir.resolve("kafka.pid"), Duration.ofSeconds(30));
    }

    private Path writeConfig() throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("data").toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        // Flink's transactional producers must time out below this (DESIGN.md).
        p.setProperty("transaction.max.timeout.ms", "900000");
        Path file = dir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, "written by ./tandem kafka start");
        }
        return file;
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!isRunning()) {
                throw new IOException("Kafka exited during start; see " + dir.resolve("kafka.log"));
            }
            try (Admin admin = Admin.create(adminConfig())) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
                Thread.sleep(500);
            }
        }
        throw new IOException("Kafka did not become ready in " + timeout + "; see " + dir.resolve("kafka.log"), last);
    }

    private Properties adminConfig() {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        return p;
    }

    @Override
    public Optional<ProcessHandle> process() throws IOException {
        return Processes.running(dir.resolve("kafka.pid"));
    }
}
