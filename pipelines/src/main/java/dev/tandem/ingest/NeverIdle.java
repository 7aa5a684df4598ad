package dev.tandem.ingest;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Passes records and watermarks on, and never tells the operators behind it that its stream is
 * idle. Chained behind deduplication, so the feature operators wait for every deduplication
 * channel's watermark, however long the sources have been silent.
 *
 * <p>Why: when every partition of the topic has been silent for {@code idleness}, the sources
 * announce IDLE, deduplication passes it on (after its watermark reached the highest of its
 * inputs'), and the feature operators stop waiting for those channels. When events come again, a
 * source emits them while still IDLE and turns ACTIVE with the watermark they make; behind the
 * shuffle by event id, that watermark can reach a feature operator through one deduplication
 * subtask before an event of the same burst arrives through another, still-idle one: the event is
 * then behind the operator's watermark and refused as late (measured: 46 of 640 events over eight
 * bursts after quiet spells; ResumeAfterIdleITCase). Announcing ACTIVE before the records at the
 * source does not help: the other channel's watermark can still come first. With the feature
 * operators' inputs always active, an event and the watermark it made travel the same channel in
 * order. Idle sources still hold nothing back: deduplication's own inputs follow Flink's idleness.
 */
public final class NeverIdle<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {
    @Override
    public void processElement(StreamRecord<T> record) {
        output.collect(record);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        // not passed on: see the class comment
    }
}
