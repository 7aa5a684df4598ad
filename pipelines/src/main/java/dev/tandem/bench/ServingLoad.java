package dev.tandem.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.served.FeatureClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The serving benchmark's load generator, in a JVM of its own (so the server's latency is not
 * shared with the Flink MiniCluster's): it reads a plan, offers each phase open loop, and writes
 * each phase's latency. Request bodies are built before a phase's clock starts (a pool of distinct
 * events with their time set to the phase's start), so the timed section only sends them. A JDBC
 * phase is the floor: a primary-key read of the same cards from the online store, under the same
 * conditions. Run by {@link ServingBenchmark}: {@code ServingLoad PLAN.json RESULTS.json}, the
 * database password in {@link #JDBC_PASSWORD_ENV}.
 */
public final class ServingLoad {
    static final String JDBC_PASSWORD_ENV = "TANDEM_BENCH_JDBC_PASSWORD";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Connections kept open, as a model service's client pool would. */
    static final int CONNECTIONS = 16;

    /** One phase: what is offered, how many events per request, at what rate, for how long. */
    public record Phase(String kind, int batch, double rate, double seconds, boolean reported) {
        String label() {
            return kind.equals("jdbc") ? "jdbc" : batch == 1 ? "one event" : "batches of " + batch;
        }
    }

    /** What to offer: the server, the events to score (raw JSON lines), the cards' stored keys and the online store's query. */
    public record Plan(String url, String token, String samplesFile, String keysFile, String jdbcUrl, String jdbcUser, String keyQuery,
            List<Phase> phases) {}

    private ServingLoad() {}

    public static void main(String[] args) throws Exception {
        Plan plan = JSON.readValue(Path.of(args[0]).toFile(), Plan.class);
        List<ObjectNode> samples = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(plan.samplesFile()), StandardCharsets.UTF_8)) {
            samples.add((ObjectNode) JSON.readTree(line));
        }
        List<String> keys = Files.readAllLines(Path.of(plan.keysFile()), StandardCharsets.UTF_8);
        ArrayNode results = JSON.createArrayNode();
        FeatureClient client = new FeatureClient(plan.url(), plan.token());
        ExecutorService connections = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            for (Phase phase : plan.phases()) {
                OpenLoop.Latency latency = phase.kind().equals("jdbc") ? jdbc(plan, keys, phase) : http(client, connections, samples, phase);
                if (phase.reported()) {
                    ObjectNode r = results.addObject().put("label", phase.label()).put("rate", latency.rate())
                            .put("requests", latency.requests()).put("failed", latency.failed()).put("p50_us", latency.p50Micros())
                            .put("p99_us", latency.p99Micros()).put("p999_us", latency.p999Micros()).put("max_us", latency.maxMicros());
                    r.put("first_failure", latency.firstFailure());
                }
            }
        } finally {
            connections.shutdownNow();
        }
        JSON.writeValue(Path.of(args[1]).toFile(), results);
        System.exit(0); // the HTTP client's selector threads would keep the JVM alive
    }

    /** Results written by {@link #main}, as latencies with their labels. */
    static List<Labelled> read(Path results) throws IOException {
        List<Labelled> out = new ArrayList<>();
        for (var r : JSON.readTree(results.toFile())) {
            out.add(new Labelled(r.path("label").asText(), new OpenLoop.Latency(r.path("rate").asDouble(), r.path("requests").asLong(),
                    r.path("failed").asLong(), r.path("first_failure").isNull() ? null : r.path("first_failure").asText(),
                    r.path("p50_us").asLong(), r.path("p99_us").asLong(), r.path("p999_us").asLong(), r.path("max_us").asLong())));
        }
        return out;
    }

    /** A phase's latency and what it offered. */
    record Labelled(String label, OpenLoop.Latency latency) {}

    private static OpenLoop.Latency http(FeatureClient client, ExecutorService connections, List<ObjectNode> samples, Phase phase)
            throws InterruptedException {
        List<byte[]> bodies = bodies(samples, phase.batch());
        return OpenLoop.run(phase.rate(), phase.seconds(), i -> CompletableFuture.supplyAsync(() -> {
            try {
                int status = client.scoreStatus(bodies.get((int) (i % bodies.size())));
                if (status != 200) {
                    throw new IllegalStateException("HTTP " + status);
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, connections));
    }

    /** Distinct request bodies of {@code batch} events each, timed now (a transaction being scored now). */
    private static List<byte[]> bodies(List<ObjectNode> samples, int batch) {
        String now = Instant.now().toString();
        List<byte[]> bodies = new ArrayList<>();
        for (int start = 0; start + batch <= samples.size(); start += batch) {
            StringBuilder body = new StringBuilder(batch == 1 ? "" : "[");
            for (int b = 0; b < batch; b++) {
                body.append(b == 0 ? "" : ",").append(samples.get(start + b).deepCopy().put("ts", now));
            }
            bodies.add((batch == 1 ? body : body.append(']')).toString().getBytes(StandardCharsets.UTF_8));
        }
        return bodies;
    }

    private static OpenLoop.Latency jdbc(Plan plan, List<String> keys, Phase phase) throws Exception {
        BlockingQueue<PreparedStatement> pool = new ArrayBlockingQueue<>(CONNECTIONS);
        List<Connection> opened = new ArrayList<>();
        ExecutorService workers = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            for (int c = 0; c < CONNECTIONS; c++) {
                Connection connection = DriverManager.getConnection(plan.jdbcUrl(), plan.jdbcUser(), System.getenv(JDBC_PASSWORD_ENV));
                opened.add(connection);
                pool.add(connection.prepareStatement(plan.keyQuery()));
            }
            return OpenLoop.run(phase.rate(), phase.seconds(), i -> select(pool, workers, keys.get((int) (i % keys.size()))));
        } finally {
            workers.shutdownNow();
            for (Connection c : opened) {
                c.close();
            }
        }
    }

    private static CompletableFuture<Boolean> select(BlockingQueue<PreparedStatement> pool, ExecutorService workers, String key) {
        return CompletableFuture.supplyAsync(() -> {
            PreparedStatement statement = null;
            try {
                statement = pool.take();
                statement.setString(1, key);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        rows.getObject(1);
                    }
                }
                return true;
            } catch (Exception e) {
                throw new IllegalStateException("SELECT failed: " + e.getMessage(), e);
            } finally {
                if (statement != null) {
                    pool.add(statement);
                }
            }
        }, workers);
    }
}
