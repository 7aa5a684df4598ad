package dev.tandem.serve;

import dev.tandem.asof.BufferedEvent;
import dev.tandem.asof.EntityState;
import dev.tandem.asof.GroupEngines;
import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.LatenessGate;
import dev.tandem.spec.CompiledSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the server knows: every entity's as-of state, per entity group, built from the events it
 * has been fed, by the rules the jobs apply — per partition lateness, duplicates by id within
 * {@code dedup_ttl} in event time — so an answer as of an event's time equals that event's training
 * row once every earlier event has arrived. Events are applied as they arrive, out of order within
 * the bound included; nothing waits for a watermark. Each entity keeps {@code max_out_of_orderness}
 * of events beyond its longest window, so a request up to that much behind the newest event is
 * still answered exactly. Applying is single-threaded (the feed); reads come from any thread.
 */
public final class ServingState {
    /** One group's engines (one per source its features read) and its entities, each a state per engine. */
    private record Group(CompiledSpec.EntityGroup spec, GroupEngines engines, Map<String, EntityState[]> entities, Set<String> erased) {}

    /** Features of one group as of an instant, and the newest event they took into account. */
    public record GroupAnswer(String group, String key, double[] values, String newestEventId, long newestEventTime) {}

    private final CompiledSpec spec;
    private final List<Group> groups = new ArrayList<>();
    private final Map<String, Long> newestPerPartition = new HashMap<>();
    private final LinkedHashMap<String, Long> keptIds = new LinkedHashMap<>();
    private final Map<String, Long> counts = new ConcurrentHashMap<>();
    private final long lookbackMillis;
    /** How long ids are kept for deduplication: the longest dedup_ttl of the sources. */
    private final long dedupTtlMillis;
    private long newestEventTime = Long.MIN_VALUE;

    /** State that answers exactly as far back as events may arrive out of order ({@code max_out_of_orderness}, of any source). */
    public ServingState(CompiledSpec spec) {
        this(spec, widestBound(spec));
    }

    /** The largest max_out_of_orderness of the spec's sources: events of each arrive that far out of order. */
    private static long widestBound(CompiledSpec spec) {
        return spec.featureSources.stream().mapToLong(CompiledSpec.EventSource::maxOutOfOrdernessMillis)
                .reduce(spec.maxOutOfOrdernessMillis, Math::max);
    }

    /**
     * State that keeps {@code lookbackMillis} of events beyond each group's longest window, so that a
     * request up to that far behind an entity's newest event is answered exactly (more memory per
     * entity); never less than {@code max_out_of_orderness}, which out-of-order arrival needs.
     */
    public ServingState(CompiledSpec spec, long lookbackMillis) {
        if (lookbackMillis < widestBound(spec)) {
            throw new IllegalArgumentException("the lookback (" + lookbackMillis + " ms) must cover max_out_of_orderness ("
                    + widestBound(spec) + " ms): events arrive that far out of order");
        }
        this.spec = spec;
        this.lookbackMillis = lookbackMillis;
        this.dedupTtlMillis = spec.featureSources.stream().mapToLong(CompiledSpec.EventSource::dedupTtlMillis)
                .reduce(spec.dedupTtlMillis, Math::max);
        for (int g = 0; g < spec.entities.size(); g++) {
            groups.add(new Group(spec.entities.get(g), GroupEngines.of(spec, g), new ConcurrentHashMap<>(), ConcurrentHashMap.newKeySet()));
        }
    }

    public CompiledSpec spec() {
        return spec;
    }

    /** The name a topic partition's events are applied under (its lateness is its own). */
    public static String partitionName(String topic, int partition) {
        return topic + "-" + partition;
    }

    /** How far behind an entity's newest event a request is still answered exactly. */
    public long lookbackMillis() {
        return lookbackMillis;
    }

    /**
     * Applies a cleaned event read from {@code partition}; returns why it was not applied, or null.
     * Late (behind its partition's newest by more than the bound), duplicate events and events of an
     * erased entity (any of its keys) are not, as in the jobs.
     */
    public String apply(CleanEvent event, String partition) {
        return apply(event, partition, CompiledSpec.ROW_SOURCE);
    }

    /**
     * Applies a cleaned event of source {@code source} (0 the spec's, else a feature source) read
     * from {@code partition}, by that source's lateness bound and duplicates; it reaches the groups
     * whose features read that source.
     */
    public String apply(CleanEvent event, String partition, int source) {
        CompiledSpec.EventSource from = spec.source(source);
        for (Group g : groups) {
            String key = event.text[g.spec().keySlot()];
            if (key != null && g.erased().contains(key)) {
                return count("erased");
            }
        }
        long newest = newestPerPartition.getOrDefault(partition, Long.MIN_VALUE);
        if (LatenessGate.isLate(event.eventTime, newest, from.maxOutOfOrdernessMillis())) {
            return count("late");
        }
        newestPerPartition.put(partition, Math.max(newest, event.eventTime));
        String id = source == CompiledSpec.ROW_SOURCE ? event.eventId : source + ":" + event.eventId; // ids are per source
        Long kept = keptIds.get(id);
        if (kept != null && Math.abs(kept - event.eventTime) <= from.dedupTtlMillis()) {
            return count("duplicate");
        }
        keptIds.put(id, event.eventTime);
        newestEventTime = Math.max(newestEventTime, event.eventTime);
        for (Group g : groups) {
            int engine = g.engines().indexOf(source);
            if (engine < 0) {
                continue;
            }
            String key = event.text[g.spec().keySlot()];
            EntityState[] states = g.entities().computeIfAbsent(key, k -> g.engines().newStates(lookbackMillis));
            synchronized (states) {
                EntityState state = states[engine];
                g.engines().engine(engine).add(state, event);
                g.engines().engine(engine).advanceTo(state, state.newestTime());
            }
        }
        forgetExpired();
        count("applied");
        return null;
    }

    /** Features of every group as of {@code asOf} for the event {@code probe} (not added); null when too old to answer. */
    public List<GroupAnswer> featuresOf(CleanEvent probe, long asOf) {
        List<GroupAnswer> answers = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            GroupAnswer a = answer(g, probe.text[groups.get(g).spec().keySlot()], probe, asOf);
            if (a == null) {
                return null;
            }
            answers.add(a);
        }
        return answers;
    }

    /** One group's features for {@code key} (as ingestion stores it) as of {@code asOf}; null when too old to answer. */
    public GroupAnswer entity(int group, String key, long asOf) {
        return answer(group, key, null, asOf);
    }

    private GroupAnswer answer(int index, String key, CleanEvent probe, long asOf) {
        Group g = groups.get(index);
        GroupEngines engines = g.engines();
        double[] values = new double[engines.featureCount()];
        EntityState[] states = key == null ? null : g.entities().get(key);
        if (states == null) {
            states = engines.newStates(0);
        }
        BufferedEvent newest = null;
        synchronized (states) {
            if (!engines.featuresAsOf(states, asOf, probe, values, 0)) {
                return null;
            }
            // The newest event of the spec's source taken into account (the group's first engine's when it reads none).
            int rows = Math.max(0, engines.indexOf(CompiledSpec.ROW_SOURCE));
            newest = engines.engine(rows).newestTakenIntoAccount(states[rows], asOf);
        }
        return new GroupAnswer(g.spec().name(), key, values, newest == null ? null : newest.id,
                newest == null ? Long.MIN_VALUE : newest.time);
    }

    /** Forgets an entity of a group (an erasure), and takes none of its events from now on. */
    public boolean forget(String group, String key) {
        for (Group g : groups) {
            if (g.spec().name().equals(group)) {
                g.erased().add(key);
                return g.entities().remove(key) != null;
            }
        }
        return false;
    }

    /** The index of a group by name, -1 when the spec has none. */
    public int groupIndex(String name) {
        for (int g = 0; g < groups.size(); g++) {
            if (groups.get(g).spec().name().equals(name)) {
                return g;
            }
        }
        return -1;
    }

    /** Entities held per group. */
    public Map<String, Integer> entities() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        groups.forEach(g -> sizes.put(g.spec().name(), g.entities().size()));
        return sizes;
    }

    /** Events applied, refused late, dropped as duplicates. */
    public Map<String, Long> counts() {
        return Collections.unmodifiableMap(counts);
    }

    /** A record the cleaner refused (counted under its reason). */
    public void countRefused(String reason) {
        count("refused_" + reason);
    }

    private String count(String what) {
        counts.merge(what, 1L, Long::sum);
        return what;
    }

    /**
     * Entities whose newest event is older than their group's state TTL, and ids older than
     * {@code dedup_ttl}, both in event time, are forgotten: memory stays bounded.
     */
    private void forgetExpired() {
        while (!keptIds.isEmpty()) {
            Map.Entry<String, Long> oldest = keptIds.entrySet().iterator().next();
            if (oldest.getValue() >= newestEventTime - dedupTtlMillis) {
                break;
            }
            keptIds.remove(oldest.getKey());
        }
        if ((counts.getOrDefault("applied", 0L) & 0x3FFF) != 0) {
            return; // sweep the entities every 16k events
        }
        for (Group g : groups) {
            long horizon = newestEventTime - g.spec().stateTtlMillis();
            g.entities().entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    return GroupEngines.newestTime(e.getValue()) < horizon;
                }
            });
        }
    }
}
