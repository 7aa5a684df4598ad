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
 * The event topic as the server read it: each clean event's id, time, entity keys and where it is
 * (partition, offset), so a served answer's applied offsets say which events it had.
 */
public final class IngestedEvents {
    /** One event of the topic as ingestion cleans it, with its keys per entity group (by the spec's group order). */
    public record Ingested(CleanEvent event, String[] keys, int partition, long offset) {
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
        IngestedEvents events = new IngestedEvents(spec);
        RecordCleaner cleaner = new RecordCleaner(spec, piiSecret, CurrencyConverter.defaultTable(), System::currentTimeMillis);
        for (TopicReader.Entry r : records) {
            CleanEvent e = r.value() == null ? null : cleaner.clean(r.value()).event();
            if (e == null || events.byId.containsKey(e.eventId)) {
                continue;
            }
            String[] keys = new String[spec.entities.size()];
            for (int g = 0; g < keys.length; g++) {
                keys[g] = e.text[spec.entities.get(g).keySlot()];
            }
            Ingested ingested = new Ingested(e, keys, r.partition(), r.offset());
            events.byId.put(e.eventId, ingested);
            for (int g = 0; g < keys.length; g++) {
                if (keys[g] != null) {
                    events.byGroupKey.get(g).computeIfAbsent(keys[g], k -> new ArrayList<>()).add(ingested);
                }
            }
        }
        return events;
    }

    public Ingested get(String eventId) {
        return byId.get(eventId);
    }

    /** The events of one entity of a group, in topic order per partition. */
    public List<Ingested> ofEntity(int group, String key) {
        return byGroupKey.get(group).getOrDefault(key, List.of());
    }
}
