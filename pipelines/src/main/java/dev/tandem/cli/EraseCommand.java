package dev.tandem.cli;

import dev.tandem.store.OnlineStoreConnections;
import dev.tandem.erasure.ErasureLog;
import dev.tandem.erasure.ErasureRequest;
import dev.tandem.erasure.ErasureStore;
import dev.tandem.erasure.ErasureTopic;
import dev.tandem.ingest.RecordCleaner;
import dev.tandem.kafka.Topics;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import dev.tandem.udfs.logic.CurrencyConverter;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "erase", mixinStandardHelpOptions = true,
        description = "GDPR/CCPA erasure of one entity: delete its online-store rows, write a tombstone to the compacted "
                + "erasures topic (the streaming job clears the entity's state), and record the request (PostgreSQL and "
                + "the erasure log that backfills read to leave the entity out).")
final class EraseCommand implements Callable<Integer> {
    @Option(names = "--entity", required = true, paramLabel = "ID",
            description = "The entity as the requester knows it (e.g. a card number); keys Tandem pseudonymises are "
                    + "cleaned and pseudonymised the way ingestion does it.")
    String entity;

    @Option(names = "--pseudonym", description = "ID is already the key as stored (a pseudonym), not the raw value.")
    boolean pseudonym;

    @Option(names = "--group", description = "The entity group the ID belongs to (default: the spec's first group, "
            + "e.g. card).")
    String group;

    @Option(names = "--reason", defaultValue = "data subject erasure request", description = "Recorded with the request.")
    String reason;

    @Option(names = "--spec", description = "Feature spec (YAML). Default: the flagship card-fraud spec.")
    Path spec;

    @Option(names = "--bootstrap", defaultValue = "${env:TANDEM_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: TANDEM_KAFKA_BOOTSTRAP, else 127.0.0.1:9092).")
    String bootstrap;

    @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of the topics' names, as given to stream.")
    String topicPrefix;

    @Mixin
    ErasureOptions erasures;

    @Mixin
    OnlineStoreOptions store;

    @Mixin
    PiiOptions pii;

    @Override
    public Integer call() throws Exception {
        CompiledSpec compiled = FeaturesRun.compile(spec);
        // One group: an ID names one kind of entity, and a raw card number must never become another group's key.
        List<CompiledSpec.EntityGroup> groups = compiled.entities.stream()
                .filter(g -> group == null ? g == compiled.entities.get(0) : g.name().equals(group)).toList();
        if (groups.isEmpty()) {
            throw new UsageError("no entity group '" + group + "' in spec " + compiled.name);
        }
        RecordCleaner cleaner = new RecordCleaner(compiled, pii.required("erase"), CurrencyConverter.defaultTable(), System::currentTimeMillis);
        String version = OnlineStoreSchema.featureSetVersion(compiled);
        String topic = topicPrefix + Topics.ERASURES;
        Path log = erasures.log();
        try (Connection c = OnlineStoreConnections.open(store.jdbcUrl(), store.user, store.password())) {
            for (CompiledSpec.EntityGroup g : groups) {
                String key = storedKey(compiled, g, cleaner);
                long deleted = ErasureStore.deleteOnline(c, compiled, g, key);
                String tombstone = ErasureTopic.tombstone(bootstrap, topic, g.name(), key);
                ErasureRequest request = new ErasureRequest(Instant.now().toString(), version, g.name(), key, reason, deleted, tombstone);
                ErasureStore.record(c, request);
                ErasureLog.append(log, request);
                System.out.printf("erased %s %s: %d online row(s) deleted, tombstone %s, recorded in %s and %s%n",
                        g.name(), key, deleted, tombstone, ErasureStore.REQUESTS, log);
            }
        }
        return 0;
    }

    private String storedKey(CompiledSpec spec, CompiledSpec.EntityGroup g, RecordCleaner cleaner) {
        if (pseudonym) {
            return entity;
        }
        CompiledSpec.InputField keyField = spec.keySourceField(g).orElseThrow(() -> new UsageError("group " + g.name() + " is keyed by a derived value: give --pseudonym"));
        try {
            return cleaner.storedValue(keyField, entity);
        } catch (IllegalArgumentException e) {
            throw new UsageError("'" + entity + "' is not a valid " + keyField.name() + " for group " + g.name() + ": " + e.getMessage());
        }
    }
}
