package dev.tandem.golden;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.cli.CliRuns;
import dev.tandem.generate.Generator;
import dev.tandem.job.StreamingJob;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.job.StreamingStores;
import dev.tandem.kafka.ConsumerLag;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.TopicReader;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalServers;
import dev.tandem.spec.CompiledSpec;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Today's streaming job restores the savepoint the job of 2026-12 took halfway through the golden
 * history ({@link GoldenSavepoint}), moved into today's graph by {@code migrate-savepoint}, and,
 * reading the whole topic, writes exactly the vectors that job had not written yet, each once and
 * with the golden values; its dead letters and the earlier job's add up to the golden run's. A job
 * graph that cannot take over that state fails here.
 */
@ExtendWith(LocalServers.class)
class GoldenSavepointITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aJobFromTheEarlierJobsSavepointWritesTheRestOfTheGoldenVectors() throws Exception {
        LocalServers.Servers servers = LocalServers.get();
        CompiledSpec spec = GoldenVectors.spec();
        Path history = dir.resolve("history");
        GoldenVectors.generateHistory(history, spec);
        StreamingJobOptions options = GoldenSavepoint.options(servers.kafka().bootstrapServers(), servers.postgres().jdbcUrl(),
                servers.postgres().password(), dir.resolve("checkpoints").toUri());
        StreamingStores.reset(options, spec);
        // The topic as the earlier job read it (same partitions, same offsets), and the rest of each partition after it.
        Topics.delete(options.bootstrapServers(), options.transactionsTopic());
        Topics.ensure(options.bootstrapServers(), Map.of(options.transactionsTopic(), GoldenVectors.PARTITIONS));
        new HistoryReplayer(options.bootstrapServers(), 0).replayPartitions(Generator.transactionFiles(history), options.transactionsTopic());
        JsonNode before = GoldenSavepoint.before();
        List<Integer> read = new ArrayList<>();
        before.get("records_read").forEach(n -> read.add(n.asInt()));
        assertThat(read).isEqualTo(GoldenSavepoint.firstHalves(history).stream().map(List::size).toList());

        // The earlier job assembled vectors from parts; today's groups form a chain: the savepoint is migrated first.
        Path migrated = dir.resolve("migrated-savepoint");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = CliRuns.run(out, err, "migrate-savepoint", "--from", GoldenSavepoint.copyTo(dir).toString(), "--to", migrated.toString(),
                "--spec", spec.origin);
        assertThat(exit).as(err.toString()).isZero();
        System.out.print(out);
        assertThat(out.toString()).contains("migrated savepoint written to");
        JobClient job = StreamingJob.start(options.restoringFrom(migrated.toUri().toString()), spec);
        ConsumerLag.awaitCaughtUp(options.bootstrapServers(), options.groupId(), options.transactionsTopic(), Duration.ofMinutes(3));
        job.stopWithSavepoint(true, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.DEFAULT).get(3, TimeUnit.MINUTES);

        Set<String> earlier = new HashSet<>();
        before.get("vector_ids").forEach(id -> earlier.add(id.asText()));
        Map<String, JsonNode> golden = GoldenVectors.expected();
        assertThat(earlier).as("vectors the earlier job wrote").isNotEmpty().hasSizeLessThan(golden.size() / 2 + 200);
        Map<String, Integer> copies = new HashMap<>();
        List<String> differences = new ArrayList<>();
        for (String value : TopicReader.readCommitted(options.bootstrapServers(), options.featuresTopic())) {
            JsonNode vector = JSON.readTree(value);
            String id = vector.get("event_id").asText();
            copies.merge(id, 1, Integer::sum);
            JsonNode expected = golden.get(id);
            if (expected == null) {
                differences.add(id + ": not a golden event");
                continue;
            }
            for (var f : spec.allFeatures()) {
                if (!GoldenVectors.same(expected.get(f.name()), vector.get(f.name()))) {
                    differences.add(id + " " + f.name() + ": golden " + expected.get(f.name()) + ", now " + vector.get(f.name()));
                }
            }
        }
        assertThat(differences).as("vectors that differ from the golden ones").isEmpty();
        assertThat(copies.values()).as("copies per event").allMatch(n -> n == 1);
        assertThat(copies.keySet()).as("written again though the earlier job had").doesNotContainAnyElementsOf(earlier);
        Set<String> all = new HashSet<>(earlier);
        all.addAll(copies.keySet());
        assertThat(all).as("every golden event, before or after the savepoint").isEqualTo(golden.keySet());

        Map<String, Long> deadLetters = new TreeMap<>(GoldenSavepoint.deadLetters(options));
        before.get("dead_letters").fields().forEachRemaining(e -> deadLetters.merge(e.getKey(), e.getValue().asLong(), Long::sum));
        Map<String, Long> goldenDead = new TreeMap<>();
        GoldenVectors.summary().get("dead_letters").fields().forEachRemaining(e -> goldenDead.put(e.getKey(), e.getValue().asLong()));
        assertThat(deadLetters).as("dead letters before and after the savepoint").isEqualTo(goldenDead);
    }
}
