package dev.tandem.cli;

import dev.tandem.store.OnlineStoreConnections;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tandem.bootstrap.HistoryOffsets;
import dev.tandem.bootstrap.StateBootstrapJob;
import dev.tandem.ingest.InputFiles;
import dev.tandem.kafka.TopicNames;
import dev.tandem.kafka.Topics;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import dev.tandem.store.OnlineStoreSink;
import java.sql.Connection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bootstrap-state", mixinStandardHelpOptions = true,
        description = "Write the streaming job's state from history files (a Flink batch job, State Processor API) as a "
                + "savepoint, and set the job's consumer group offsets to where each partition goes beyond its file; then "
                + "start the job with stream --from-savepoint (or submit streaming --from-savepoint) instead of replaying the topic.")
final class BootstrapStateCommand implements Callable<Integer> {
    static final String SUMMARY = "_bootstrap.json";

    @Option(names = "--history", required = true, paramLabel = "DIR", description = "Event files in the spec's format; "
            + "file i (name order) holds partition i of the topic from its first offset on, as generate --partitions writes them.")
    Path history;

    @Option(names = "--savepoint", required = true, paramLabel = "DIR", description = "Where the savepoint is written (a new directory).")
    Path savepoint;

    @Option(names = "--spec", description = "Feature spec (YAML). Default: the flagship card-fraud spec.")
    Path spec;

    @Option(names = "--bootstrap", defaultValue = "${env:TANDEM_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: TANDEM_KAFKA_BOOTSTRAP, else 127.0.0.1:9092).")
    String bootstrap;

    @Option(names = "--group-id", defaultValue = "tandem-streaming", description = "The streaming job's consumer group (default ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of the topics' names, as given to stream (default none).")
    String topicPrefix;

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism of the bootstrap job (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--no-online-store", description = "Leave the online store alone (by default each entity gets its row "
            + "as of its newest event up to the bootstrap's watermark, as the job would have written it).")
    boolean noOnlineStore;

    @Mixin
    OnlineStoreOptions store;

    @Mixin
    ErasureOptions erasures;

    @Mixin
    PiiOptions pii;

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1) {
            throw new UsageError("--parallelism must be at least 1");
        }
        CompiledSpec compiled = FeaturesRun.compile(spec);
        List<Path> files;
        List<List<Path>> feedFiles;
        try {
            files = InputFiles.find(history, compiled.filesGlob);
            feedFiles = InputFiles.ofFeatureSources(compiled, history);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        if (Files.isDirectory(savepoint)) {
            try (Stream<Path> entries = Files.list(savepoint)) {
                if (entries.findAny().isPresent()) {
                    throw new UsageError("--savepoint " + savepoint + " is not empty: give a new directory");
                }
            }
        }
        String secret = pii.required("bootstrap-state"); // the job's pseudonyms must be the stream's
        String topic = topicPrefix + Topics.TRANSACTIONS;
        HistoryOffsets offsets = HistoryOffsets.check(bootstrap, topic, files, compiled); // before any work
        Map<String, HistoryOffsets> feedOffsets = new LinkedHashMap<>();
        for (int f = 0; f < feedFiles.size(); f++) {
            CompiledSpec.EventSource feed = compiled.featureSources.get(f);
            String feedTopic = TopicNames.of(feed, topic);
            feedOffsets.put(feedTopic, HistoryOffsets.check(bootstrap, feedTopic, feedFiles.get(f), feed));
        }
        OnlineStoreSink.Database online = noOnlineStore ? null : new OnlineStoreSink.Database(store.jdbcUrl(), store.user, store.password());
        if (online != null) {
            try (Connection c = OnlineStoreConnections.open(online.url(), online.user(), online.password())) {
                OnlineStoreSchema.migrate(c, compiled);
            }
        }
        long t0 = System.nanoTime();
        StateBootstrapJob.Result result = StateBootstrapJob.run(new StateBootstrapJob.Options(files, savepoint.toAbsolutePath(), topic,
                parallelism, secret, FeaturesRun.erased(compiled, erasures.log()), online, feedFiles), compiled);
        double seconds = (System.nanoTime() - t0) / 1e9;
        offsets.commit(bootstrap, groupId, topic);
        for (Map.Entry<String, HistoryOffsets> feed : feedOffsets.entrySet()) {
            feed.getValue().commit(bootstrap, groupId, feed.getKey());
            System.out.println("consumer group " + groupId + " starts " + feed.getKey() + " at offsets " + feed.getValue().next());
        }
        writeSummary(compiled, files, topic, offsets, result, seconds);
        System.out.printf("bootstrapped %s from %d files in %.1f s: watermark %s; %,d event ids%n", compiled.name, files.size(), seconds,
                Instant.ofEpochMilli(result.watermark()), result.eventIds());
        result.entities().forEach((group, n) -> System.out.printf("  %s: %,d entities, %,d buffered events, %,d pending%n",
                group, n, result.bufferedEvents().get(group), result.pendingEvents().get(group)));
        System.out.println("consumer group " + groupId + " starts " + topic + " at offsets " + offsets.next());
        System.out.println("savepoint " + savepoint.toAbsolutePath().toUri() + " (next: ./tandem stream --from-savepoint "
                + savepoint.toAbsolutePath() + ")");
        return 0;
    }

    private void writeSummary(CompiledSpec compiled, List<Path> files, String topic, HistoryOffsets offsets,
            StateBootstrapJob.Result result, double seconds) throws Exception {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("feature_set_version", OnlineStoreSchema.featureSetVersion(compiled));
        summary.put("history", files.stream().map(Path::toString).toList());
        summary.put("topic", topic);
        summary.put("group_id", groupId);
        summary.put("start_offsets", offsets.next());
        Map<String, String> newest = new LinkedHashMap<>();
        result.newestPerPartition().forEach((p, t) -> newest.put(p, Instant.ofEpochMilli(t).toString()));
        summary.put("newest_event_per_partition", newest);
        summary.put("watermark", Instant.ofEpochMilli(result.watermark()).toString());
        summary.put("event_ids", result.eventIds());
        summary.put("entities", result.entities());
        summary.put("buffered_events", result.bufferedEvents());
        summary.put("pending_events", result.pendingEvents());
        summary.put("seconds", Math.round(seconds * 10) / 10.0);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(savepoint.resolve(SUMMARY).toFile(), summary);
    }
}
