package dev.tandem.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.generate.Generator;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.TopicReader;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalServers;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events that end a quiet spell are never late. Every partition goes idle between bursts (the
 * spec's idleness is 200 ms); each burst is many entities' events on one partition, then one event
 * half an hour later that moves the watermark past them. The burst's events reach the feature
 * operators through the deduplication shuffle on channels that were idle, and the watermark the
 * burst itself made must not overtake them there: every event gets its batch vector once, and
 * nothing is a dead letter.
 */
@ExtendWith(LocalServers.class)
class ResumeAfterIdleITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "resume-";
    private static final int BURSTS = 8;
    private static final int EVENTS_PER_BURST = 80;

    @TempDir
    Path dir;

    @Test
    void theEventsOfABurstAfterEveryPartitionWentIdleAreAllAdmitted() throws Exception {
        CompiledSpec spec = quickIdlenessSpec();
        LocalServers.Servers servers = LocalServers.get();
        String bootstrap = servers.kafka().bootstrapServers();
        Path generated = dir.resolve("generated");
        new Generator(new Generator.Options(generated, BURSTS * EVENTS_PER_BURST, 41, 0.0, Generator.DEFAULT_START), spec).run();
        List<String> templates = Files.readAllLines(generated.resolve(Generator.TRANSACTIONS_FILE), StandardCharsets.UTF_8);

        StreamingJobOptions options = LocalJobOptions.withPrefix(PREFIX, false, dir.resolve("checkpoints").toUri(), "hashmap");
        StreamingStores.reset(options, spec);
        Topics.ensure(bootstrap, Map.of(options.transactionsTopic(), 4));

        Path all = dir.resolve("all");
        Files.createDirectories(all);
        Path history = all.resolve(Generator.TRANSACTIONS_FILE);
        Set<String> expected = new HashSet<>();
        JobClient job = StreamingJob.start(options, spec);
        try {
            long start = Instant.parse(JSON.readTree(templates.get(0)).path("ts").asText()).toEpochMilli();
            for (int burst = 0; burst < BURSTS; burst++) {
                long at = start + Duration.ofHours(burst).toMillis();
                List<String> lines = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < EVENTS_PER_BURST; i++) {
                    String id = "b" + burst + "-" + i;
                    lines.add(restamped(templates.get(burst * EVENTS_PER_BURST + i), id, at + i * 10L));
                    ids.add(id);
                }
                lines.add(restamped(templates.get(0), "b" + burst + "-push", at + Duration.ofMinutes(30).toMillis()));
                Path file = Files.write(dir.resolve("burst-" + burst + ".jsonl"), lines, StandardCharsets.UTF_8);
                Files.write(history, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                new HistoryReplayer(bootstrap, 0).replay(file, options.transactionsTopic()); // partition 0, in line order
                awaitAccountedFor(bootstrap, options, ids);
                expected.addAll(ids);
                if (burst > 0) {
                    expected.add("b" + (burst - 1) + "-push"); // passed by this burst's watermark
                }
            }
        } finally {
            job.cancel().get();
        }

        assertThat(TopicReader.readCommitted(bootstrap, options.deadLettersTopic())).as("dead letters").isEmpty();
        Path batch = dir.resolve("batch");
        FeatureRuns.run("batch", all, batch, spec);
        Map<String, Integer> copies = FeatureTopicAssertions.vectorsMatchBatch(bootstrap, options.featuresTopic(), batch, spec);
        assertThat(copies.keySet()).isEqualTo(expected);
        assertThat(copies.values()).as("copies per event").allMatch(n -> n == 1);
    }

    /** The flagship spec with partitions idle after 200 ms of silence, so every burst starts from idle. */
    private CompiledSpec quickIdlenessSpec() throws Exception {
        Path flagship = Path.of("..", "specs", "card-fraud.yaml");
        String text = Files.readString(flagship).replace("  max_out_of_orderness:", "  idleness: 200ms\n  max_out_of_orderness:");
        Path spec = Files.writeString(dir.resolve("card-fraud.yaml"), text);
        Files.copy(flagship.resolveSibling("card-fraud.expectations.yaml"), dir.resolve("card-fraud.expectations.yaml"));
        return SpecCompiler.load(spec);
    }

    private static String restamped(String template, String id, long time) throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(template);
        event.put("txn_id", id).put("ts", Instant.ofEpochMilli(time).toString());
        return event.toString();
    }

    /** Waits until each id has a committed vector or a dead letter. */
    private static void awaitAccountedFor(String bootstrap, StreamingJobOptions options, List<String> ids) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        Set<String> seen = new HashSet<>();
        while (!seen.containsAll(ids)) {
            assertThat(System.currentTimeMillis()).as("vectors or dead letters for " + ids.get(0) + "..").isLessThan(deadline);
            for (String value : TopicReader.readCommitted(bootstrap, options.featuresTopic())) {
                seen.add(JSON.readTree(value).path("event_id").asText());
            }
            for (String value : TopicReader.readCommitted(bootstrap, options.deadLettersTopic())) {
                JsonNode dead = JSON.readTree(value);
                seen.add(dead.path("event_id").asText());
            }
            Thread.sleep(200);
        }
    }
}
