package dev.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.kafka.KafkaClientProperties;
import dev.tandem.kafka.Topics;
import dev.tandem.quality.Breach;
import dev.tandem.quality.BreachJson;
import dev.tandem.scoring.ModelDecider;
import dev.tandem.scoring.ModelQuality;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./tandem model watch}: the one decider of automatic rollbacks ({@link ModelDecider}). It
 * reads the predictions topic, prints each model version's live PSI against its baseline and its
 * failed share, and when a primary version breaks its spec's {@code rollback_when} it writes the
 * rollback to the registry and an alert to the alerts topic. Run one per deployment.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Watch every model version's live scores; roll a primary back when it breaks its rollback_when rule.")
final class ModelWatchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--bootstrap", defaultValue = "${env:TANDEM_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: TANDEM_KAFKA_BOOTSTRAP, else 127.0.0.1:9092).")
    String bootstrap;

    @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of the topics' names, as given to stream.")
    String topicPrefix;

    @Option(names = "--window", defaultValue = "PT15M", description = "Event time each version's live scores cover (default ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--every", defaultValue = "PT30S", description = "How often it decides (default ${DEFAULT-VALUE}).")
    Duration every;

    @Option(names = "--once", description = "Read the predictions so far, decide once and exit.")
    boolean once;

    @Mixin
    ModelCommand.Registry registry;

    @Override
    public Integer call() throws Exception {
        CompiledSpec spec = FeaturesRun.compile(registry.spec());
        if (spec.models.isEmpty()) {
            throw new UsageError("spec " + spec.name + " has no models to watch");
        }
        ModelDecider decider = new ModelDecider(spec, window, ModelCommand.DEFAULT_LEAD);
        String topic = topicPrefix + Topics.PREDICTIONS;
        try (KafkaConsumer<String, String> consumer = consumer(topic);
                KafkaProducer<String, String> alerts = new KafkaProducer<>(KafkaClientProperties.forBootstrap(bootstrap),
                        new StringSerializer(), new StringSerializer())) {
            BreachJson alertJson = new BreachJson(OnlineStoreSchema.featureSetVersion(spec));
            while (true) {
                readUpToEnd(consumer, decider);
                try (Connection c = registry.open()) {
                    for (ModelDecider.Verdict v : decider.decide(c)) {
                        System.out.printf("%s v%d %s: %,d scores, psi %s, failed %.4f%s%n", v.model(), v.version(),
                                v.primary() ? "primary" : "shadow", v.scores(), Double.isNaN(v.psi()) ? "- (no baseline)" : String.format("%.3f", v.psi()),
                                v.errorRate(), v.breach() == null ? "" : " -> rolled back: " + v.breach());
                        if (v.breach() != null) {
                            alerts.send(new ProducerRecord<>(topicPrefix + Topics.ALERTS, v.model(), alertJson.map(alert(v)))).get();
                        }
                    }
                    for (ModelQuality.Row q : decider.matureDays(c, Math.max(System.currentTimeMillis(), decider.newestEventTime()))) {
                        System.out.printf("%s v%d %s on %s (labels matured): %,d scores, %,d positives, AUC %.3f, precision %.3f at %.1f%%%n",
                                q.model(), q.version(), q.role(), q.day(), q.scores(), q.positives(), q.auc(), q.precision(),
                                100 * q.alertRate());
                    }
                }
                if (once) {
                    return 0;
                }
                Thread.sleep(every.toMillis());
            }
        }
    }

    private static Breach alert(ModelDecider.Verdict v) {
        Breach b = new Breach();
        b.expectation = "model_rollback";
        b.column = v.model();
        b.observed = Double.isNaN(v.psi()) ? v.errorRate() : v.psi();
        b.message = "model " + v.model() + " rolled back: " + v.breach();
        return b;
    }

    private KafkaConsumer<String, String> consumer(String topic) {
        Properties p = KafkaClientProperties.forBootstrap(bootstrap);
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofMinutes(1)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** Every prediction appended so far (scores to the decider, by model and version). */
    private static void readUpToEnd(KafkaConsumer<String, String> consumer, ModelDecider decider) throws Exception {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                JsonNode p = JSON.readTree(record.value());
                decider.add(p.path("model").asText(), p.path("version").asInt(), "shadow".equals(p.path("role").asText()),
                        p.path("event_id").asText(), p.path("event_time").asLong(), p.path("score").isNumber() ? p.path("score").asDouble() : Double.NaN);
            }
        }
    }
}
