package dev.tandem.scoring;

import dev.tandem.model.ModelDecision;
import dev.tandem.model.ModelVersion;
import java.io.Serializable;
import java.util.Arrays;

/**
 * One registry decision as the streaming job receives it, with the file of the version it names
 * (so every subtask can compile it without a database of its own). A POJO for Flink's serializer.
 */
public class RegistryChange implements Serializable {
    private static final long serialVersionUID = 1L;

    public long seq;
    public String model;
    public int version;
    public String role;
    public long effectiveFrom;
    public long decidedAt;
    public String decidedBy;
    public String reason;
    public String format;
    public String sha256;
    /** The version's inputs, comma-separated. */
    public String inputs;
    public byte[] file;

    public RegistryChange() {}

    static RegistryChange of(ModelDecision d, ModelVersion v) {
        RegistryChange c = new RegistryChange();
        c.seq = d.seq();
        c.model = d.model();
        c.version = d.version();
        c.role = d.role().text();
        c.effectiveFrom = d.effectiveFrom();
        c.decidedAt = d.decidedAt();
        c.decidedBy = d.decidedBy();
        c.reason = d.reason();
        c.format = v.format();
        c.sha256 = v.sha256();
        c.inputs = String.join(",", v.inputs());
        c.file = v.file();
        return c;
    }

    ModelDecision decision() {
        return new ModelDecision(seq, model, version, ModelDecision.Role.of(role), effectiveFrom, decidedAt, decidedBy, reason);
    }

    ModelVersion modelVersion() {
        return new ModelVersion(model, version, format, sha256, Arrays.asList(inputs.split(",")), decidedAt, file, null);
    }
}
