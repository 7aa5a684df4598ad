package dev.tandem.served;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.RecordCleaner;
import dev.tandem.kafka.TopicReader;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.CurrencyConverter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The event topic (and each feature source's topic) as the server read it: each clean event's id,
 * time, entity keys, source and where it is (topic, partition, offset), so a served answer's
 * applied offsets say which events it had.
 */
public final class IngestedEvents {
    /** One event of the topic as ingestion cleans it, with its keys per entity group (by the spec's group order). */
    public record Ingested(CleanEvent event, String[] keys, int partition, long offset, int source, String topic) {
        public String id() {
            return event.eventId;
        }

        public long time() {
            return event.eventTime;
        }
    }

    private final Map<String, Ingested> byId = new HashMap<>();
    private final List<Map<String, List<Ingested>>> byGroupKey = new ArrayList<>();

    private IngestedEvents(CompiledSpec spec) {
        spec.entities.forEach(g -> byGroupKey.add(new HashMap<>()));
    }

    /** Reads the topic and cleans every record as ingestion does (the same PII key gives the same pseudonyms). */
    public static IngestedEvents read(CompiledSpec spec, List<TopicReader.Entry> records, String piiSecret) {
        return read(spec, records, Map.of(), piiSecret);
    }

    /**
     * The event topic's records and each feature source topic's ({@code feeds}: by topic, in the
     * order of the spec's feature sources); a feature source's events reach the groups that read it.
     */
    public static IngestedEvents read(CompiledSpec spec, List<TopicReader.Entry> records, Map<String, List<TopicReader.Entry>> feeds,
            String piiSecret) {
        if (!feeds.isEmpty() && feeds.size() != spec.featureSources.size()) {
            throw new IllegalArgumentException("the spec has " + spec.featureSources.size() + " feature sources, given " + feeds.size());
        }
        IngestedEvents events = new IngestedEvents(spec);
        events.add(spec, CompiledSpec.ROW_SOURCE, null, records, piiSecret);
        int source = 1;
        for (Map.Entry<String, List<TopicReader.Entry>> feed : feeds.entrySet()) {
            events.add(spec, source++, feed.getKey(), feed.getValue(), piiSecret);
        }
        return events;
    }

    private void add(CompiledSpec spec, int source, String topic, List<TopicReader.Entry> records, String piiSecret) {
        RecordCleaner cleaner = new RecordCleaner(spec, spec.source(source), piiSecret, CurrencyConverter.defaultTable(),
                System::currentTimeMillis);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (TopicReader.Entry r : records) {
            CleanEvent e = r.value() == null ? null : cleaner.clean(r.value()).event();
            if (e == null || !seen.add(e.eventId)) {
                continue;
            }
            String[] keys = new String[spec.entities.size()];
            for (int g = 0; g < keys.length; g++) {
                boolean reads = java.util.Arrays.stream(spec.entities.get(g).sources()).anyMatch(s -> s == source)
                        || source == CompiledSpec.ROW_SOURCE;
                keys[g] = reads ? e.text[spec.entities.get(g).keySlot()] : null;
            }
            Ingested ingested = new Ingested(e, keys, r.partition(), r.offset(), source, topic);
            if (source == CompiledSpec.ROW_SOURCE) {
                byId.put(e.eventId, ingested); // the scored events: the spec's source's
            }
            for (int g = 0; g < keys.length; g++) {
                if (keys[g] != null) {
                    byGroupKey.get(g).computeIfAbsent(keys[g], k -> new ArrayList<>()).add(ingested);
                }
            }
        }
    }

    public Ingested get(String eventId) {
        return byId.get(eventId);
    }

    /** The events of one entity of a group, in topic order per partition. */
    public List<Ingested> ofEntity(int group, String key) {
        return byGroupKey.get(group).getOrDefault(key, List.of());
    }
}
