package dev.tandem.serve;

import dev.tandem.asof.BufferedEvent;
import dev.tandem.asof.EntityState;
import dev.tandem.asof.FeatureGroup;
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
    /** One group's engine and its entities. */
    private record Group(CompiledSpec.EntityGroup spec, FeatureGroup engine, Map<String, EntityState> entities, Set<String> erased) {}

    /** Features of one group as of an instant, and the newest event they took into account. */
    public record GroupAnswer(String group, String key, double[] values, String newestEventId, long newestEventTime) {}

    private final CompiledSpec spec;
    private final List<Group> groups = new ArrayList<>();
    private final Map<String, Long> newestPerPartition = new HashMap<>();
    private final LinkedHashMap<String, Long> keptIds = new LinkedHashMap<>();
    private final Map<String, Long> counts = new ConcurrentHashMap<>();
    private final long lookbackMillis;
    private long newestEventTime = Long.MIN_VALUE;

    /** State that answers exactly as far back as events may arrive out of order ({@code max_out_of_orderness}). */
    public ServingState(CompiledSpec spec) {
        this(spec, spec.maxOutOfOrdernessMillis);
    }

    /**
     * State that keeps {@code lookbackMillis} of events beyond each group's longest window, so that a
     * request up to that far behind an entity's newest event is answered exactly (more memory per
     * entity); never less than {@code max_out_of_orderness}, which out-of-order arrival needs.
     */
    public ServingState(CompiledSpec spec, long lookbackMillis) {
        spec.requireNoFeatureSources("the feature server");
        if (lookbackMillis < spec.maxOutOfOrdernessMillis) {
            throw new IllegalArgumentException("the lookback (" + lookbackMillis + " ms) must cover max_out_of_orderness ("
                    + spec.maxOutOfOrdernessMillis + " ms): events arrive that far out of order");
        }
        this.spec = spec;
        this.lookbackMillis = lookbackMillis;
        for (int g = 0; g < spec.entities.size(); g++) {
            groups.add(new Group(spec.entities.get(g), FeatureGroup.of(spec, g), new ConcurrentHashMap<>(), ConcurrentHashMap.newKeySet()));
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
        for (Group g : groups) {
            if (g.erased().contains(event.text[g.spec().keySlot()])) {
                return count("erased");
            }
        }
        long newest = newestPerPartition.getOrDefault(partition, Long.MIN_VALUE);
        if (LatenessGate.isLate(event.eventTime, newest, spec.maxOutOfOrdernessMillis)) {
            return count("late");
        }
        newestPerPartition.put(partition, Math.max(newest, event.eventTime));
        Long kept = keptIds.get(event.eventId);
        if (kept != null && Math.abs(kept - event.eventTime) <= spec.dedupTtlMillis) {
            return count("duplicate");
        }
        keptIds.put(event.eventId, event.eventTime);
        newestEventTime = Math.max(newestEventTime, event.eventTime);
        for (Group g : groups) {
            String key = event.text[g.spec().keySlot()];
            EntityState state = g.entities().computeIfAbsent(key, k -> g.engine().newState(lookbackMillis));
            synchronized (state) {
                g.engine().add(state, event);
                g.engine().advanceTo(state, state.newestTime());
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
        FeatureGroup engine = g.engine();
        double[] values = new double[engine.featureCount()];
        EntityState state = key == null ? null : g.entities().get(key);
        if (state == null) {
            state = engine.newState();
        }
        BufferedEvent newest;
        synchronized (state) {
            if (!engine.featuresAsOf(state, asOf, probe, values)) {
                return null;
            }
            newest = engine.newestTakenIntoAccount(state, asOf);
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
            if (oldest.getValue() >= newestEventTime - spec.dedupTtlMillis) {
                break;
            }
            keptIds.remove(oldest.getKey());
        }
        if ((counts.getOrDefault("applied", 0L) & 0x3FFF) != 0) {
            return; // sweep the entities every 16k events
        }
        for (Group g : groups) {
            long horizon = newestEventTime - g.engine().stateTtlMillis();
            g.entities().entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    return e.getValue().isEmpty() || e.getValue().newestTime() < horizon;
                }
            });
        }
    }
}
