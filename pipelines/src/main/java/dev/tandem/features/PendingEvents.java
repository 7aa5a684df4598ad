package dev.tandem.features;

import dev.tandem.ingest.CleanEvent;

/** Events of one entity at one instant, waiting for the watermark to pass them. */
public class PendingEvents {
    public CleanEvent[] events;

    public PendingEvents() {}

    public PendingEvents(CleanEvent[] events) {
        this.events = events;
    }
}
