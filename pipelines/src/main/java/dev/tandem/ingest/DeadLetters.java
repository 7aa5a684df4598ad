package dev.tandem.ingest;

import org.apache.flink.util.OutputTag;

/** The side output every stage writes refused records to. */
public final class DeadLetters {
    public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters") {};

    private DeadLetters() {}
}
