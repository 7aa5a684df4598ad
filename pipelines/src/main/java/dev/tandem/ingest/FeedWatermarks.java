package dev.tandem.ingest;

import dev.tandem.spec.CompiledSpec;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Event time of a feature source over Kafka, so that a source gone quiet does not stall every
 * row: the feature source's events on the first input, the rows' stream on the second (only its
 * watermarks: no record is sent there). While the feature source is active its watermark is its
 * own; once it has sent nothing for {@code idle_timeout} (processing time), it follows the rows'
 * watermark minus {@code max_delay}, never going back. An event of the source that then arrives
 * behind that watermark is a dead letter {@code late_idle} (counted): the rows it would have
 * counted for were computed without it, and a replay that finds the source busy may admit it.
 *
 * <p>Never announces IDLE downstream, as {@link NeverIdle}: the feature operators wait for this
 * watermark, which is what makes a quiet source follow the rows instead of holding nothing back.
 */
public final class FeedWatermarks extends AbstractStreamOperator<CleanEvent>
        implements TwoInputStreamOperator<CleanEvent, CleanEvent, CleanEvent>, ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long idleTimeoutMillis;
    private final long maxDelayMillis;

    private transient long feedWatermark;
    private transient long rowWatermark;
    private transient long emitted;
    /** When the source last sent an event or moved its watermark (processing time). */
    private transient long lastActive;
    private transient Counter lateIdle;

    public FeedWatermarks(CompiledSpec.EventSource source) {
        this.source = source.name();
        this.idleTimeoutMillis = source.idlenessMillis();
        this.maxDelayMillis = source.maxDelayMillis();
    }

    @Override
    public void open() throws Exception {
        super.open();
        feedWatermark = Long.MIN_VALUE;
        rowWatermark = Long.MIN_VALUE;
        emitted = Long.MIN_VALUE;
        lastActive = getProcessingTimeService().getCurrentProcessingTime();
        lateIdle = getRuntimeContext().getMetricGroup().addGroup("tandem").addGroup("dead_letters").counter(Reasons.LATE_IDLE);
        scheduleCheck();
    }

    @Override
    public void processElement1(StreamRecord<CleanEvent> record) {
        lastActive = getProcessingTimeService().getCurrentProcessingTime();
        CleanEvent event = record.getValue();
        if (event.eventTime <= emitted) {
            lateIdle.inc();
            output.collect(DeadLetters.TAG, new StreamRecord<>(new DeadLetter(Reasons.STAGE_ORDER, Reasons.LATE_IDLE,
                    "feature source " + source + " was idle and the rows went on to " + emitted + " (max_delay " + maxDelayMillis
                            + " ms) before this event came", event.eventId, event.eventTime, null)));
            return;
        }
        output.collect(record);
    }

    @Override
    public void processElement2(StreamRecord<CleanEvent> record) {
        // the rows' stream carries only its watermarks here
    }

    @Override
    public void processWatermark1(Watermark mark) {
        if (mark.getTimestamp() > feedWatermark) {
            feedWatermark = mark.getTimestamp();
            lastActive = getProcessingTimeService().getCurrentProcessingTime();
        }
        advance();
    }

    @Override
    public void processWatermark2(Watermark mark) {
        rowWatermark = Math.max(rowWatermark, mark.getTimestamp());
        advance();
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int input) {
        // never passed on, nor combined: see the class comment
    }

    @Override
    public void onProcessingTime(long time) {
        advance();
        scheduleCheck();
    }

    private void scheduleCheck() {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + Math.max(100, idleTimeoutMillis / 4), this);
    }

    /** Emits the source's own watermark, or while it is idle the rows' minus max_delay, whichever is later; never less than before. */
    private void advance() {
        long target = feedWatermark;
        boolean idle = getProcessingTimeService().getCurrentProcessingTime() - lastActive >= idleTimeoutMillis;
        if (idle && rowWatermark != Long.MIN_VALUE) {
            long following = rowWatermark == Long.MAX_VALUE ? Long.MAX_VALUE : rowWatermark - maxDelayMillis;
            target = Math.max(target, following);
        }
        if (target > emitted) {
            emitted = target;
            output.emitWatermark(new Watermark(target));
        }
    }
}
