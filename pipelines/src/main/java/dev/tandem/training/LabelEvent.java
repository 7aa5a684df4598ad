package dev.tandem.training;

/** A label: which event it is about and when it became known (epoch millis). */
public class LabelEvent {
    public String eventId;
    public long labelTime;

    public LabelEvent() {}

    public LabelEvent(String eventId, long labelTime) {
        this.eventId = eventId;
        this.labelTime = labelTime;
    }
}
