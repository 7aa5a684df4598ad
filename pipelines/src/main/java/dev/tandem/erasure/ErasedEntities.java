package dev.tandem.erasure;

import dev.tandem.spec.CompiledSpec;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Entities whose data must not be used: per entity group's key slot, the erased keys (as stored). */
public final class ErasedEntities implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<Integer, Set<String>> keysBySlot;

    private ErasedEntities(Map<Integer, Set<String>> keysBySlot) {
        this.keysBySlot = keysBySlot;
    }

    public static ErasedEntities none() {
        return new ErasedEntities(Map.of());
    }

    /** The requests of a log that concern this spec's groups. */
    public static ErasedEntities of(CompiledSpec spec, List<ErasureRequest> requests) {
        Map<Integer, Set<String>> keys = new HashMap<>();
        for (ErasureRequest r : requests) {
            for (CompiledSpec.EntityGroup g : spec.entities) {
                if (g.name().equals(r.group()) && r.featureSet().startsWith(spec.name + "/")) {
                    keys.computeIfAbsent(g.keySlot(), s -> new java.util.HashSet<>()).add(r.entityKey());
                }
            }
        }
        return new ErasedEntities(keys);
    }

    public boolean isEmpty() {
        return keysBySlot.isEmpty();
    }

    public int size() {
        return keysBySlot.values().stream().mapToInt(Set::size).sum();
    }

    /** Whether any of the event's entity keys is erased. */
    public boolean covers(String[] text) {
        for (Map.Entry<Integer, Set<String>> e : keysBySlot.entrySet()) {
            String key = text[e.getKey()];
            if (key != null && e.getValue().contains(key)) {
                return true;
            }
        }
        return false;
    }
}
