package dev.tandem.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.job.FeatureRuns;
import dev.tandem.job.FeatureTopicAssertions;
import dev.tandem.kafka.ConsumerLag;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.job.RetainedCheckpoints;
import dev.tandem.kafka.TopicReader;
import dev.tandem.kafka.Topics;
import dev.tandem.parity.OnlineStoreParity;
import dev.tandem.parity.OutputFiles;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.sql.SqlClientRunner;
import dev.tandem.sql.TableauRows;
import dev.tandem.store.OnlineStoreSchema;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar on a real Flink standalone cluster (separate JobManager and TaskManager processes),
 * submitted through the real Flink CLI, reading the real Kafka and writing the real PostgreSQL and
 * Kafka: a lost TaskManager and an upgrade through a savepoint lose and duplicate nothing.
 */
@ExtendWith(LocalServers.class)
class FlinkClusterITCase {
    private static final Path HOME = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
    private static LocalFlinkCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        Path root = Path.of("target", "it-flink-cluster").toAbsolutePath();
        dev.tandem.parity.OutputFiles.deleteRecursively(root);
        cluster = new LocalFlinkCluster(root, freePort(), HOME.resolve("deploy/cluster/target/flink-cluster.classpath"));
        cluster.start(2, 1); // two TaskManagers of one slot: killing one takes half the job down
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    void aKilledTaskManagerLosesAndDuplicatesNothing() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        Manifest manifest = new Generator(new Generator.Options(history, 60_000, 41, 0.02, Generator.DEFAULT_START, null, 4), spec).run();
        String prefix = "recovery-";
        Servers servers = prepare(spec, prefix);
        servers.replayPartitions(Generator.transactionFiles(history), prefix + Topics.TRANSACTIONS); // four partitions

        // Unbounded: the job cannot finish before the kill however fast the machine is; it is drained at the end.
        String job = servers.cli().run(FlinkCli.jobJar(HOME), streamArgs(servers, prefix), true, null, Duration.ofMinutes(2)).jobId();
        // Kill once some vectors are committed (a checkpoint has completed with output behind it).
        await(() -> lastStableOffset(servers, prefix + Topics.FEATURES) > 0, Duration.ofMinutes(2), "the first committed vectors");
        cluster.killTaskManager(1);
        long committedBeforeKill = TopicReader.readCommitted(servers.bootstrap(), prefix + Topics.FEATURES).size();
        cluster.startTaskManager();
        // The job may have read the whole topic before the kill: wait for the restart itself, then for
        // the restarted job to run and catch up, before draining it.
        await(() -> restarts(job) > 0, Duration.ofMinutes(3), "the job to restart after the TaskManager died");
        await(() -> state(job).equals("RUNNING") && allTasksRunning(job), Duration.ofMinutes(3), "the restarted job to run");
        ConsumerLag.awaitCaughtUp(servers.bootstrap(), prefix + "group", prefix + Topics.TRANSACTIONS, Duration.ofMinutes(5));
        long restarts = restarts(job);
        servers.cli().stopWithSavepoint(job, true); // the end of the input: drain every pending vector

        Path batch = dir.resolve("batch");
        FeatureRuns.run("batch", history, batch, spec);
        assertThat(committedBeforeKill).as("vectors committed before the kill").isLessThan(manifest.expectedValid());
        FeatureTopicAssertions.everyEventOnce(servers.bootstrap(), prefix + Topics.FEATURES, batch, spec, manifest.expectedValid());
        servers.assertOnlineStoreEquals(batch, spec);
        System.out.printf("recovery: %,d events, %,d vectors committed before the kill, %d restart(s), 0 lost, 0 duplicated%n",
                manifest.expectedValid(), committedBeforeKill, restarts);
    }

    /**
     * On the cluster, PostgreSQL stopped for 30 s while events arrive: the job's writes fail, it
     * restarts until the database is back and catches up by itself. Then the JobManager is killed
     * (SIGKILL): without HA services the new JobManager knows no job, so the job is submitted again
     * from its latest retained checkpoint (what {@code submit streaming --from-checkpoint latest}
     * picks). Nothing lost, nothing twice, the online store equal to the batch run's.
     */
    @Test
    void aPostgresOutageAndAKilledJobManagerLoseAndDuplicateNothing() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        Manifest manifest = new Generator(new Generator.Options(history, 40_000, 47, 0.02, Generator.DEFAULT_START, null, 4), spec).run();
        List<Path> firstHalves = new ArrayList<>();
        List<Path> secondHalves = new ArrayList<>();
        for (Path partition : Generator.transactionFiles(history)) {
            List<String> lines = Files.readAllLines(partition);
            firstHalves.add(Files.write(dir.resolve("first-" + partition.getFileName()), lines.subList(0, lines.size() / 2)));
            secondHalves.add(Files.write(dir.resolve("second-" + partition.getFileName()), lines.subList(lines.size() / 2, lines.size())));
        }
        String prefix = "jm-kill-";
        Servers servers = prepare(spec, prefix);
        servers.replayPartitions(firstHalves, prefix + Topics.TRANSACTIONS);

        String first = servers.cli().run(FlinkCli.jobJar(HOME), streamArgs(servers, prefix), true, null, Duration.ofMinutes(2)).jobId();
        await(() -> lastStableOffset(servers, prefix + Topics.FEATURES) > 0, Duration.ofMinutes(2), "the first committed vectors");
        LocalPostgres postgres = servers.servers().postgres();
        postgres.stop();
        try {
            servers.replayPartitions(secondHalves, prefix + Topics.TRANSACTIONS); // arriving while the database is away
            await(() -> restarts(first) > 0, Duration.ofMinutes(1), "the job to restart while PostgreSQL is away");
            for (long ends = System.nanoTime() + Duration.ofSeconds(30).toNanos(); System.nanoTime() < ends; ) {
                assertThat(state(first)).as("the job outlives the outage").isNotIn("FAILED", "CANCELED");
                Thread.sleep(500);
            }
        } finally {
            postgres.start();
        }
        ConsumerLag.awaitCaughtUp(servers.bootstrap(), prefix + "group", prefix + Topics.TRANSACTIONS, Duration.ofMinutes(5));
        long restartsInOutage = restarts(first);

        cluster.killJobManager();
        long killed = System.nanoTime();
        Path checkpoint = RetainedCheckpoints.latest(cluster.checkpointDir().toUri()).orElseThrow();
        assertThat(checkpoint.getParent().getFileName().toString()).as("the killed job's own checkpoint").isEqualTo(first);
        cluster.startJobManager();
        // The TaskManagers notice the old JobManager is gone (heartbeat timeout), cancel its tasks and register anew.
        await(() -> freeSlots() == 2, Duration.ofMinutes(2), "both TaskManagers free again");
        String second = servers.cli().run(FlinkCli.jobJar(HOME), streamArgs(servers, prefix), true, checkpoint.toUri().toString(),
                Duration.ofMinutes(2)).jobId();
        await(() -> state(second).equals("RUNNING") && allTasksRunning(second), Duration.ofMinutes(3), "the resubmitted job to run");
        long recovered = System.nanoTime();
        servers.cli().stopWithSavepoint(second, true);

        Path batch = dir.resolve("batch");
        FeatureRuns.run("batch", history, batch, spec);
        FeatureTopicAssertions.everyEventOnce(servers.bootstrap(), prefix + Topics.FEATURES, batch, spec, manifest.expectedValid());
        servers.assertOnlineStoreEquals(batch, spec);
        System.out.printf("cluster faults: PostgreSQL away 30 s -> %d restarts, caught up; jobmanager killed -> resubmitted from %s, "
                + "running again %d s after the kill; 0 lost, 0 duplicated%n", restartsInOutage, checkpoint.getFileName(),
                (recovered - killed) / 1_000_000_000);
    }

    @Test
    void aSavepointCarriesFeatureStateIntoTheUpgradedJob() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        Manifest manifest = new Generator(new Generator.Options(history, 20_000, 43, 0.02, Generator.DEFAULT_START, null, 4), spec).run();
        // Each partition's first half before the savepoint, its second half after it.
        List<Path> before = new ArrayList<>();
        List<Path> after = new ArrayList<>();
        long total = 0;
        for (Path partition : Generator.transactionFiles(history)) {
            List<String> lines = Files.readAllLines(partition);
            total += lines.size();
            before.add(Files.write(dir.resolve("before-" + partition.getFileName()), lines.subList(0, lines.size() / 2)));
            after.add(Files.write(dir.resolve("after-" + partition.getFileName()), lines.subList(lines.size() / 2, lines.size())));
        }
        String prefix = "upgrade-";
        Servers servers = prepare(spec, prefix);

        servers.replayPartitions(before, prefix + Topics.TRANSACTIONS);
        String first = servers.cli().run(FlinkCli.jobJar(HOME), streamArgs(servers, prefix), true, null, Duration.ofMinutes(2)).jobId();
        ConsumerLag.awaitCaughtUp(servers.bootstrap(), prefix + "group", prefix + Topics.TRANSACTIONS, Duration.ofMinutes(3));
        // Not drained: the events the watermark has not passed yet stay in state and must come back.
        String savepoint = servers.cli().stopWithSavepoint(first, false);
        long vectorsBefore = TopicReader.readCommitted(servers.bootstrap(), prefix + Topics.FEATURES).size();

        servers.replayPartitions(after, prefix + Topics.TRANSACTIONS);
        String second = servers.cli().run(FlinkCli.jobJar(HOME), streamArgs(servers, prefix), true, savepoint, Duration.ofMinutes(2)).jobId();
        ConsumerLag.awaitCaughtUp(servers.bootstrap(), prefix + "group", prefix + Topics.TRANSACTIONS, Duration.ofMinutes(3));
        servers.cli().stopWithSavepoint(second, true); // the end of the input: drain every pending vector

        assertThat(cluster.get("/jobs/" + second + "/checkpoints").path("latest").path("restored").path("external_path").asText())
                .as("the second job restored the savepoint").isEqualTo(savepoint);
        assertThat(vectorsBefore).as("vectors before the savepoint").isPositive().isLessThan(total / 2);
        // Windowed features after the savepoint equal the batch run over all events only if they
        // counted the events from before it; the pending ones must appear exactly once too.
        Path batch = dir.resolve("batch");
        FeatureRuns.run("batch", history, batch, spec);
        FeatureTopicAssertions.everyEventOnce(servers.bootstrap(), prefix + Topics.FEATURES, batch, spec, manifest.expectedValid());
        servers.assertOnlineStoreEquals(batch, spec);
        System.out.printf("upgrade: %,d events, %,d vectors before the savepoint, the rest after it with the carried state%n",
                manifest.expectedValid(), vectorsBefore);
    }

    @Test
    void theSqlClientRunsItsQueriesOnTheCluster() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("history");
        Manifest manifest = new Generator(new Generator.Options(history, 3_000, 47, 0.05, Generator.DEFAULT_START), spec).run();
        FeatureRuns.run("batch", history, dir.resolve("batch"), spec);
        LocalServers.Servers servers = LocalServers.get();
        SqlClientRunner.Settings settings = new SqlClientRunner.Settings("batch", cluster.restAddress(), spec, Map.of(
                "HISTORY_DIR", history.toString(), "OFFLINE_DIR", dir.resolve("batch").toString(),
                "KAFKA_BOOTSTRAP", servers.kafka().bootstrapServers(), "JDBC_URL", servers.postgres().jdbcUrl(),
                "JDBC_USER", LocalPostgres.USER, "JDBC_PASSWORD", servers.postgres().password()), FeatureRuns.SECRET);
        int jobsBefore = cluster.jobs().size();
        StringBuilder out = new StringBuilder();
        int exit = new SqlClientRunner(HOME, dir.resolve("sql")).runScript(settings, HOME.resolve("sql/examples/dead_letters_by_reason.sql"), out);
        assertThat(exit).as(out.toString()).isZero();

        Map<String, Long> printed = new java.util.TreeMap<>();
        TableauRows.parse(out.toString()).forEach(row -> printed.put(row.get(0), Long.parseLong(row.get(1))));
        assertThat(printed).isEqualTo(manifest.expectedDeadLetters());
        assertThat(cluster.jobs().size()).as("the query ran as a job on the cluster").isGreaterThan(jobsBefore);
    }

    @Test
    void aSpineTrainingSetRunsOnTheClusterAsItDoesEmbedded() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        Path history = dir.resolve("spine-history");
        new Generator(new Generator.Options(history, 3_000, 53, 0.02, Generator.DEFAULT_START), spec).run();
        // Every 7th line's card, merchant and time, 1 ms later: rows that see their own event.
        List<String> spine = new ArrayList<>();
        List<String> lines = java.nio.file.Files.readAllLines(Generator.transactionFiles(history).get(0));
        for (int i = 0; i < lines.size(); i += 7) {
            JsonNode event;
            try {
                event = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(i));
            } catch (Exception unreadable) {
                continue;
            }
            var parsed = dev.tandem.udfs.logic.TimestampParser.parse(event.path("ts").asText(""));
            if (parsed.isOk()) {
                spine.add("{\"row\":%d,\"card_number\":\"%s\",\"merchant_id\":\"%s\",\"ts\":%d}".formatted(i,
                        event.path("card_number").asText(), event.path("merchant_id").asText(), parsed.value() + 1));
            }
        }
        Path spineFile = java.nio.file.Files.write(dir.resolve("spine.jsonl"), spine);
        Path erasures = dir.resolve("no-erasures.jsonl");
        List<String> args = List.of("training-set", "--spine", spineFile.toString(), "--input", history.toString(),
                "--erasure-log", erasures.toString(), "--output");
        FlinkCli cli = new FlinkCli(cluster, HOME, Map.of("TANDEM_PII_SECRET", FeatureRuns.SECRET));
        List<String> onCluster = new ArrayList<>(args);
        onCluster.add(dir.resolve("spine-cluster").toString());
        int jobsBefore = cluster.jobs().size();
        cli.run(FlinkCli.jobJar(HOME), onCluster, false, null, Duration.ofMinutes(5));
        assertThat(cluster.jobs().size()).as("the spine job ran on the cluster").isGreaterThan(jobsBefore);

        Path secret = java.nio.file.Files.writeString(dir.resolve("secret"), FeatureRuns.SECRET);
        List<String> embedded = new ArrayList<>(args);
        embedded.addAll(List.of(dir.resolve("spine-embedded").toString(), "--pii-secret-file", secret.toString()));
        assertThat(dev.tandem.cli.CliRuns.run(embedded.toArray(String[]::new))).isZero();
        Map<String, String> clusterRows = spineRows(dir.resolve("spine-cluster"));
        assertThat(clusterRows).hasSizeGreaterThan(spine.size() - 30).isEqualTo(spineRows(dir.resolve("spine-embedded")));
    }

    private static Map<String, String> spineRows(Path output) throws Exception {
        Map<String, String> rows = new java.util.TreeMap<>();
        OutputFiles.forEachParquetRow(OutputFiles.list(output.resolve("training"), ".parquet"), r -> rows.put(r.get("query_id").toString(), r.toString()));
        return rows;
    }

    /** The shared Kafka and PostgreSQL of the test run, emptied for one test's topics and tables. */
    private record Servers(LocalServers.Servers servers, FlinkCli cli) {
        String bootstrap() {
            return servers.kafka().bootstrapServers();
        }

        void replayPartitions(List<Path> files, String topic) throws Exception {
            new HistoryReplayer(bootstrap(), 0).replayPartitions(files, topic);
        }

        void assertOnlineStoreEquals(Path batch, CompiledSpec spec) throws Exception {
            try (Connection c = servers.postgres().connect()) {
                for (OnlineStoreParity.GroupResult group : OnlineStoreParity.compare(batch, spec, c)) {
                    assertThat(group.passed()).as(group.toString()).isTrue();
                    assertThat(group.entities()).isPositive();
                }
            }
        }
    }

    private static Servers prepare(CompiledSpec spec, String prefix) throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        String bootstrap = servers.kafka().bootstrapServers();
        Topics.delete(bootstrap, prefix + Topics.TRANSACTIONS, prefix + Topics.LABELS, prefix + Topics.FEATURES, prefix + Topics.DEAD_LETTERS);
        Topics.ensure(bootstrap, Map.of(prefix + Topics.TRANSACTIONS, 4, prefix + Topics.LABELS, 1));
        try (Connection c = servers.postgres().connect()) {
            OnlineStoreSchema.drop(c, spec);
        }
        // The job's client reads its secrets from the environment, as on any cluster.
        FlinkCli cli = new FlinkCli(cluster, HOME, Map.of(
                "TANDEM_PII_SECRET", FeatureRuns.SECRET, "TANDEM_PG_PASSWORD", servers.postgres().password()));
        return new Servers(servers, cli);
    }

    private static List<String> streamArgs(Servers servers, String prefix, String... extra) {
        List<String> args = new ArrayList<>(List.of("stream", "--bootstrap", servers.bootstrap(),
                "--jdbc-url", servers.servers().postgres().jdbcUrl(), "--topic-prefix", prefix, "--group-id", prefix + "group",
                "--checkpoint-interval", "PT1S", "--checkpoint-dir", cluster.checkpointDir().toString(), "--parallelism", "2"));
        args.addAll(List.of(extra));
        return args;
    }

    /** The end of the topic's committed records (0 while no transaction has committed). */
    private static long lastStableOffset(Servers servers, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers.bootstrap()))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            if (!admin.listTopics().names().get().contains(topic)) {
                return 0;
            }
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(partition).get().offset();
        }
    }

    private static String state(String job) throws Exception {
        JsonNode details = cluster.job(job);
        return details.path("state").asText();
    }

    /** Every task of the job is running (a restarted job is RUNNING before its tasks are deployed). */
    private static boolean allTasksRunning(String job) throws Exception {
        JsonNode vertices = cluster.job(job).path("vertices");
        for (JsonNode vertex : vertices) {
            if (!vertex.path("status").asText().equals("RUNNING")) {
                return false;
            }
        }
        return vertices.size() > 0;
    }

    /** Free slots of the cluster; -1 while its REST API does not answer (a JobManager starting). */
    private static int freeSlots() {
        try {
            return cluster.overview().path("slots-available").asInt();
        } catch (Exception starting) {
            return -1;
        }
    }

    private static long restarts(String job) throws Exception {
        return cluster.get("/jobs/" + job + "/metrics?get=numRestarts").path(0).path("value").asLong();
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
