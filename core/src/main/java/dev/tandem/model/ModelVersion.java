package dev.tandem.model;

import java.util.List;

/**
 * A registered model file: its version number (1, 2, ... per model), format, content hash, the
 * inputs it was registered for, the file's bytes (null when only listed) and its baseline score
 * distribution as JSON (null when none was measured).
 */
public record ModelVersion(String model, int version, String format, String sha256, List<String> inputs, long registeredAt,
        byte[] file, String baseline) {

    /** The compiled ensemble of this version's file. */
    public TreeEnsemble ensemble() {
        if (!format.equals(XgboostJson.FORMAT)) {
            throw new ModelFileException("model " + model + " v" + version + " is in format '" + format + "', which this build cannot score");
        }
        return XgboostJson.read(file, model + " v" + version).ensemble();
    }
}
