package dev.tandem.asof;

/**
 * One event of an entity as its group keeps it: time, id (for ties; null for events migrated from
 * a state that did not keep ids) and the group's projected inputs. A Flink POJO (public fields, a
 * no-argument constructor): the streaming operator stores each one as a keyed-state entry under
 * {@code seq}, so state grows by appends and shrinks by deletes, never by rewriting a history.
 */
public class BufferedEvent {
    /** Position in the order events were added to the entity: the key of its state entry. */
    public long seq;
    public long time;
    public String id;
    /** The group's numeric inputs (GroupLayout order); NaN for none. */
    public double[] numbers;
    /** The group's text inputs (GroupLayout order); null for none. */
    public String[] texts;
    /** Which of the group's where filters the event matches, one bit per filter (GroupLayout order). */
    public long matches;

    public BufferedEvent() {}

    public BufferedEvent(long time, String id, double[] numbers, String[] texts) {
        this.time = time;
        this.id = id;
        this.numbers = numbers;
        this.texts = texts;
    }
}
