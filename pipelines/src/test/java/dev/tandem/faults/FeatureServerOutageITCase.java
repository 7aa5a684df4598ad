package dev.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.job.FeatureRuns;
import dev.tandem.kafka.KafkaClientProperties;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalKafka;
import dev.tandem.local.LocalServers;
import dev.tandem.serve.FeatureServer;
import dev.tandem.serve.ServeTokens;
import dev.tandem.served.FeatureClient;
import dev.tandem.served.ServingSetup;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The feature server's upstream (the Kafka broker it reads) stopped and started again: while the
 * broker does not answer, every request is refused with 503 {@code upstream_unavailable} and why
 * (an answer could miss events the topic holds) and {@code /ready} is 503, so a load balancer sends
 * traffic elsewhere; once the broker is back the server answers again and counts new events, by
 * itself. A restarted server is ready again (measured, printed).
 */
@ExtendWith(LocalServers.class)
class FeatureServerOutageITCase {
    private static final CompiledSpec SPEC = SpecCompiler.load(null);
    private static final String PREFIX = "serve-outage-";
    private static final String TOKEN = "outage-token";
    private static final String CARD = "4111111111111111";

    @Test
    void refusesWhileItsBrokerIsAwayAndRecoversByItself() throws Exception {
        LocalKafka kafka = LocalServers.get().kafka();
        String bootstrap = kafka.bootstrapServers();
        try (FeatureServer server = start(bootstrap)) {
            FeatureClient client = new FeatureClient("http://127.0.0.1:" + server.port(), TOKEN);
            send(bootstrap, "before-outage");
            await("the first event is counted", Duration.ofSeconds(30), () -> count(client) == 1);

            kafka.stop();
            try {
                await("requests refused while the broker is away", Duration.ofSeconds(30),
                        () -> status(client) == 503);
                FeatureClient.Response refused = client.entity("card", CARD, null);
                assertThat(refused.body().path("reason").asText()).isEqualTo("upstream_unavailable");
                assertThat(refused.body().path("detail").asText()).contains("no answer from Kafka");
                assertThat(client.get("/ready")).isEqualTo(503);
                assertThat(client.get("/health")).as("the process itself is fine").isEqualTo(200);
                assertThat(client.getText("/metrics")).contains("tandem_serve_upstream_available 0.0");
            } finally {
                kafka.start();
            }
            long back = System.nanoTime();
            await("answers again once the broker is back", Duration.ofSeconds(90), () -> status(client) == 200);
            System.out.printf("serving again %d ms after the broker was back%n", (System.nanoTime() - back) / 1_000_000);
            send(bootstrap, "after-outage");
            await("an event sent after the outage is counted", Duration.ofSeconds(30), () -> count(client) == 2);
            assertThat(client.get("/ready")).isEqualTo(200);
        }

        long restart = System.nanoTime();
        try (FeatureServer restarted = start(bootstrap)) {
            FeatureClient client = new FeatureClient("http://127.0.0.1:" + restarted.port(), TOKEN);
            await("a restarted server is ready", Duration.ofSeconds(60), () -> restarted.isReady());
            System.out.printf("restarted server ready in %d ms%n", (System.nanoTime() - restart) / 1_000_000);
            assertThat(count(client)).as("it rebuilt its state from the topic").isEqualTo(2);
        }
    }

    private static FeatureServer start(String bootstrap) throws Exception {
        return ServingSetup.start(SPEC, bootstrap, PREFIX, ServingSetup.SERVED_LOG, FeatureRuns.SECRET,
                ServeTokens.fromEnvironment(Map.of(ServeTokens.LIST_ENV, TOKEN)), "127.0.0.1", 0);
    }

    private static void send(String bootstrap, String id) throws Exception {
        var p = KafkaClientProperties.forBootstrap(bootstrap);
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        String txn = ("{\"txn_id\":\"%s\",\"ts\":\"%s\",\"card_number\":\"%s\",\"amount\":\"5.00\",\"currency\":\"USD\","
                + "\"merchant_id\":\"m-outage\",\"lat\":52.5,\"lon\":13.4,\"country\":\"DE\",\"email\":\"a@example.com\",\"channel\":\"web\"}")
                .formatted(id, Instant.now(), CARD);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(PREFIX + Topics.TRANSACTIONS, 0, null, txn)).get(30, TimeUnit.SECONDS);
        }
    }

    private static long count(FeatureClient client) {
        try {
            return client.entity("card", CARD, null).body().path("features").path("card_txn_count_10m").asLong(-1);
        } catch (Exception e) {
            return -1;
        }
    }

    private static int status(FeatureClient client) {
        try {
            return client.entity("card", CARD, null).status();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }
}
