package dev.tandem.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.parity.DeadLetterLog;
import dev.tandem.generate.Generator;
import dev.tandem.job.FeatureRuns;
import dev.tandem.job.StreamingJob;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.kafka.ConsumerLag;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.TopicReader;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalPostgres;
import dev.tandem.spec.CompiledSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

/**
 * A savepoint of the streaming job of 2026-12 (before the lean-graph rewrite), kept in {@code
 * src/test/resources/golden/savepoint}: the job read the first half of each partition of the golden
 * history from the topic {@code golden-transactions} and was stopped with a canonical savepoint
 * (not drained: events the watermark had not passed are in it, pending). Beside it, what that job
 * had written by then: the ids of its vectors and its dead letters per reason. A later job started
 * from the savepoint over the whole topic must write every other vector once, with the golden
 * values: that holds only if it restored the windows, the pending events, the deduplication state
 * and the source's offsets.
 */
public final class GoldenSavepoint {
    static final String PREFIX = "golden-";
    static final String DIR = "/golden/savepoint";
    static final String BEFORE = "/golden/savepoint-before.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldenSavepoint() {}

    /** The options the savepoint's job ran with (topics, group), on the given servers. */
    static StreamingJobOptions options(String bootstrap, String jdbcUrl, String password, URI checkpoints) {
        return new StreamingJobOptions(bootstrap, PREFIX + "group", PREFIX + Topics.TRANSACTIONS, PREFIX + Topics.LABELS,
                PREFIX + Topics.FEATURES, PREFIX + Topics.DEAD_LETTERS, PREFIX + Topics.ALERTS, PREFIX + Topics.LINEAGE,
                PREFIX + Topics.ERASURES, false, jdbcUrl, LocalPostgres.USER, password, 2, Duration.ofSeconds(1), checkpoints, "rocksdb",
                FeatureRuns.SECRET);
    }

    /** Each partition file's first half: the records the savepoint's job read. */
    static List<List<String>> firstHalves(Path history) throws IOException {
        List<List<String>> halves = new ArrayList<>();
        for (Path file : Generator.transactionFiles(history)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            halves.add(lines.subList(0, lines.size() / 2));
        }
        return halves;
    }

    /**
     * Runs today's streaming job over the first halves and writes its savepoint and what it wrote
     * before it under {@code resources}.
     */
    static void write(CompiledSpec spec, Path history, StreamingJobOptions options, Path work, Path resources) throws Exception {
        Topics.ensure(options.bootstrapServers(), Map.of(options.transactionsTopic(), GoldenVectors.PARTITIONS, options.labelsTopic(), 1));
        List<List<String>> halves = firstHalves(history);
        List<Path> files = new ArrayList<>();
        for (int p = 0; p < halves.size(); p++) {
            files.add(Files.write(work.resolve("half-" + p + ".jsonl"), halves.get(p), StandardCharsets.UTF_8));
        }
        new HistoryReplayer(options.bootstrapServers(), 0).replayPartitions(files, options.transactionsTopic());
        JobClient job = StreamingJob.start(options, spec);
        ConsumerLag.awaitCaughtUp(options.bootstrapServers(), options.groupId(), options.transactionsTopic(), Duration.ofMinutes(3));
        // Savepoint metadata names the directory it was written to: a neutral one, not this machine's work tree.
        Path savepoints = Path.of(System.getProperty("java.io.tmpdir"), "tandem-golden-savepoints");
        deleteRecursively(savepoints);
        String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(3, TimeUnit.MINUTES);

        Path target = resources.resolve(DIR.substring(1));
        deleteRecursively(target);
        copyRecursively(Path.of(URI.create(savepoint)), target);
        ObjectNode before = JSON.createObjectNode();
        TreeSet<String> ids = new TreeSet<>();
        for (String vector : TopicReader.readCommitted(options.bootstrapServers(), options.featuresTopic())) {
            ids.add(JSON.readTree(vector).get("event_id").asText());
        }
        before.set("vector_ids", JSON.valueToTree(ids));
        before.set("dead_letters", JSON.valueToTree(deadLetters(options)));
        before.set("records_read", JSON.valueToTree(halves.stream().map(List::size).toList()));
        Files.writeString(resources.resolve(BEFORE.substring(1)), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(before));
    }

    /** Dead letters on the job's topic, per reason. */
    static Map<String, Long> deadLetters(StreamingJobOptions options) throws IOException {
        return DeadLetterLog.countsOnTopic(options.bootstrapServers(), options.deadLettersTopic());
    }

    /** What the savepoint's job had written: vector ids, dead letters per reason, records read per partition. */
    static JsonNode before() throws IOException {
        try (InputStream in = GoldenSavepoint.class.getResourceAsStream(BEFORE)) {
            if (in == null) {
                throw new IOException(BEFORE + " is not on the test classpath (write it with WriteGoldenResources)");
            }
            return JSON.readTree(in);
        }
    }

    /** A copy of the savepoint outside the classpath (a job restores from a directory of its own). */
    static Path copyTo(Path dir) throws IOException, URISyntaxException {
        var url = GoldenSavepoint.class.getResource(DIR);
        if (url == null) {
            throw new IOException(DIR + " is not on the test classpath (write it with WriteGoldenResources)");
        }
        Path copy = dir.resolve("golden-savepoint");
        copyRecursively(Path.of(url.toURI()), copy);
        return copy;
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
