package dev.tandem.erasure;

/** An erased entity as the streaming job reads it from the erasure topic. A Flink POJO. */
public class Erasure {
    public String group;
    public String entityKey;

    public Erasure() {}

    public Erasure(String group, String entityKey) {
        this.group = group;
        this.entityKey = entityKey;
    }
}
