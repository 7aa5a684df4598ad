package dev.tandem.scoring;

/** What one poll of the registry found: its new decisions, in sequence order (often none). */
public class RegistryPoll {
    public RegistryChange[] changes = new RegistryChange[0];

    public RegistryPoll() {}

    RegistryPoll(RegistryChange[] changes) {
        this.changes = changes;
    }
}
