package dev.tandem.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Tandem's topics and how they are created. Input topics stamp records with the broker's append
 * time, which is where end-to-end freshness is measured from.
 */
public final class Topics {
    public static final String TRANSACTIONS = TopicNames.EVENTS;
    public static final String LABELS = "labels";
    public static final String FEATURES = "features";
    /** Every score of every vector (primary and shadow versions), when the spec has models. */
    public static final String PREDICTIONS = "predictions";
    public static final String DEAD_LETTERS = "dead-letters";
    public static final String ALERTS = "alerts";
    public static final String LINEAGE = "lineage";
    public static final String ERASURES = "erasures";

    /** Input topics Tandem creates get this many partitions unless told otherwise. */
    public static final int DEFAULT_INPUT_PARTITIONS = 4;

    /** How long a broker has to answer before a command says it is unreachable. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private Topics() {}

    /** A first call to the broker: on no answer, one line that says which broker and what to check, not a bare timeout. */
    private static <T> T reachable(String bootstrap, Duration timeout, Call<T> call) throws Exception {
        try {
            return call.get();
        } catch (TimeoutException noAnswer) {
            throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within " + timeout.toSeconds()
                    + " s: is the broker running and reachable from here (--bootstrap)?");
        }
    }

    private interface Call<T> {
        T get() throws Exception;
    }

    /** Creates the topics that do not exist yet: name → partitions. */
    public static void ensure(String bootstrap, Map<String, Integer> partitions) throws Exception {
        ensure(bootstrap, partitions, ANSWER_TIMEOUT);
    }

    static void ensure(String bootstrap, Map<String, Integer> partitions, Duration answerTimeout) throws Exception {
        Admin admin = Admin.create(adminConfig(bootstrap));
        try {
            Set<String> existing = reachable(bootstrap, answerTimeout,
                    () -> admin.listTopics().names().get(answerTimeout.toMillis(), TimeUnit.MILLISECONDS));
            List<NewTopic> missing = new ArrayList<>();
            partitions.forEach((name, count) -> {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, count, (short) 1)
                            .configs(Map.of("message.timestamp.type", "LogAppendTime")));
                }
            });
            if (!missing.isEmpty()) {
                // A topic created a moment ago (here or by another client) can still be missing from the
                // listing: "already exists" is what was wanted.
                for (var created : admin.createTopics(missing).values().values()) {
                    try {
                        created.get(30, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                    }
                }
                awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
            }
        } finally {
            admin.close(Duration.ofSeconds(5)); // an unreachable broker's pending calls are abandoned, not waited for
        }
    }

    /**
     * Waits until every partition of the new topics has a leader. A producer that writes a moment
     * earlier is told NOT_LEADER_OR_FOLLOWER, and an idempotent one then lost its first batches and
     * retried the rest as OUT_OF_ORDER_SEQUENCE_NUMBER for minutes (seen in a test run).
     */
    private static void awaitLeaders(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (haveLeaders(admin, topics)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the new topics " + topics + " have partitions without a leader after 30 s");
            }
            Thread.sleep(100);
        }
    }

    private static boolean haveLeaders(Admin admin, List<String> topics) throws Exception {
        try {
            return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                    .flatMap(topic -> topic.partitions().stream())
                    .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // created, not yet in the metadata the broker answers from
            }
            throw e;
        }
    }

    /** The names of every topic but the broker's internal ones. */
    public static Set<String> list(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(adminConfig(bootstrap))) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }

    /** How many partitions a topic has. */
    public static int partitions(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(adminConfig(bootstrap))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
        }
    }

    /** Deletes the topics that exist (a fresh start for demos). */
    public static void delete(String bootstrap, String... names) throws Exception {
        try (Admin admin = Admin.create(adminConfig(bootstrap))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> present = java.util.Arrays.stream(names).filter(existing::contains).toList();
            if (!present.isEmpty()) {
                admin.deleteTopics(present).all().get(30, TimeUnit.SECONDS);
                // Deletion is asynchronous; wait until the names are free again.
                while (admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().anyMatch(present::contains)) {
                    Thread.sleep(200);
                }
            }
        }
    }

    /** Forgets a consumer group's committed offsets (a fresh start for demos). */
    public static void deleteConsumerGroup(String bootstrap, String group) throws Exception {
        try (Admin admin = Admin.create(adminConfig(bootstrap))) {
            boolean exists = admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .anyMatch(g -> g.groupId().equals(group));
            if (exists) {
                admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    static Properties adminConfig(String bootstrap) {
        return KafkaClientProperties.forBootstrap(bootstrap);
    }
}
