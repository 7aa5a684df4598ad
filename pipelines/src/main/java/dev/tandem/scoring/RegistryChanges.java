package dev.tandem.scoring;

import dev.tandem.model.ModelDecision;
import dev.tandem.model.ModelRegistry;
import dev.tandem.model.ModelVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the registry's decisions after a sequence number, each with its version's file. */
final class RegistryChanges {
    private RegistryChanges() {}

    static List<RegistryChange> after(Connection registry, long seq) throws SQLException {
        List<RegistryChange> changes = new ArrayList<>();
        Map<String, ModelVersion> files = new HashMap<>();
        for (ModelDecision d : ModelRegistry.decisions(registry, seq)) {
            String key = d.model() + "@" + d.version();
            ModelVersion v = files.get(key);
            if (v == null) {
                v = ModelRegistry.version(registry, d.model(), d.version());
                files.put(key, v);
            }
            changes.add(RegistryChange.of(d, v));
        }
        return changes;
    }
}
