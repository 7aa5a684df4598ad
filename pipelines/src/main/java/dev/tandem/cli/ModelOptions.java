package dev.tandem.cli;

import dev.tandem.model.ModelFileException;
import dev.tandem.model.ModelScorers;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreConnections;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The versions a run scores with: from the model registry, in force at each event's time, unless pinned. */
final class ModelOptions {
    @Option(names = "--models", split = ",", paramLabel = "NAME@VERSION", description = "Score every row with these versions "
            + "instead of the primary in force at its event time (e.g. fraud@3,fraud_next@4): an evaluation set is one command.")
    List<String> pins = List.of();

    @Mixin
    OnlineStoreOptions registry;

    /** The spec's models with the registry's versions; null when the spec has no models. */
    ModelScorers load(CompiledSpec spec) throws Exception {
        if (spec.models.isEmpty()) {
            if (!pins.isEmpty()) {
                throw new UsageError("--models: spec " + spec.name + " has no models");
            }
            return null;
        }
        Map<String, Integer> pinned = pinned();
        try (Connection c = OnlineStoreConnections.open(registry.jdbcUrl(), registry.user, registry.password())) {
            ModelScorers models = ModelScorers.load(c, spec, pinned);
            for (int m = 0; m < models.modelCount(); m++) {
                if (!models.hasVersions(m)) {
                    System.err.printf("tandem: model %s has no primary version in the registry yet: its score column stays empty%n",
                            models.model(m).name());
                }
            }
            return models;
        } catch (IllegalArgumentException | ModelFileException e) {
            throw new UsageError(e.getMessage());
        }
    }

    private Map<String, Integer> pinned() {
        Map<String, Integer> pinned = new LinkedHashMap<>();
        for (String pin : pins) {
            int at = pin.indexOf('@');
            try {
                pinned.put(pin.substring(0, at), Integer.parseInt(pin.substring(at + 1)));
            } catch (RuntimeException e) {
                throw new UsageError("--models '" + pin + "' is not NAME@VERSION");
            }
        }
        return pinned;
    }
}
