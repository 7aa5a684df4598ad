package dev.tandem.scoring;

/** One score of one vector: the model, its version, and whether it was the primary (answered) or a shadow (logged only). */
public class Prediction {
    public String eventId;
    public long eventTime;
    public String model;
    public int version;
    public double score;
    public boolean shadow;

    public Prediction() {}

    Prediction(String eventId, long eventTime, String model, int version, double score, boolean shadow) {
        this.eventId = eventId;
        this.eventTime = eventTime;
        this.model = model;
        this.version = version;
        this.score = score;
        this.shadow = shadow;
    }
}
