package dev.tandem.spec;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The released feature-set versions and their fingerprints ({@code specs/feature-sets.lock.yaml}).
 * A feature set's version names one definition forever: the same name and version with another
 * fingerprint means a definition changed without a new version, and every consumer of
 * {@code feature_set_version} would mix two meanings under one name.
 */
public record FeatureSetLock(Map<String, Map<Integer, String>> fingerprints) {
    public static final String FILE = "feature-sets.lock.yaml";

    public static FeatureSetLock read(Path file) throws IOException {
        return new FeatureSetLock(new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), new TypeReference<>() {}));
    }

    /** Null when the spec matches its locked version, else what is wrong and what to do. */
    public String problem(CompiledSpec spec) {
        String locked = fingerprints.getOrDefault(spec.name, Map.of()).get(spec.version);
        if (locked == null) {
            return spec.name + " v" + spec.version + " is not in " + FILE + ": add `" + spec.version + ": " + spec.fingerprint + "`";
        }
        if (!locked.equals(spec.fingerprint)) {
            return spec.name + " v" + spec.version + " changed (fingerprint " + locked + ", now " + spec.fingerprint
                    + "): give the spec a new version and add it to " + FILE;
        }
        return null;
    }
}
