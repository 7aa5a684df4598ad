package dev.tandem.job;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;

/**
 * Hands the input files to the source readers in the order of their earliest events (ties by
 * name), so a reader that finishes one file and takes the next never takes a file that starts
 * before the watermark limits ({@link FileEventTimes#watermarkLimits}) allowed. Splits given back
 * after a failure join the queue in the same order.
 */
public final class EarliestFirstAssigner implements FileSplitAssigner {
    private final PriorityQueue<FileSourceSplit> queue;

    private EarliestFirstAssigner(Map<String, Long> earliest, Collection<FileSourceSplit> splits) {
        Comparator<String> files = order(earliest);
        this.queue = new PriorityQueue<>(Comparator.comparing((FileSourceSplit split) -> split.path().getName(), files)
                .thenComparingLong(FileSourceSplit::offset));
        queue.addAll(splits);
    }

    /** The assigner for a source, by file name to earliest event time. */
    public static Provider provider(Map<String, Long> earliest) {
        Map<String, Long> byFile = new HashMap<>(earliest);
        return splits -> new EarliestFirstAssigner(byFile, splits);
    }

    /** Files by earliest event, then by name. */
    static Comparator<String> order(Map<String, Long> earliest) {
        return Comparator.comparing((String file) -> earliest.getOrDefault(file, Long.MAX_VALUE)).thenComparing(Comparator.naturalOrder());
    }

    @Override
    public Optional<FileSourceSplit> getNext(String hostname) {
        return Optional.ofNullable(queue.poll());
    }

    @Override
    public void addSplits(Collection<FileSourceSplit> splits) {
        queue.addAll(splits);
    }

    @Override
    public Collection<FileSourceSplit> remainingSplits() {
        List<FileSourceSplit> remaining = new ArrayList<>(queue);
        remaining.sort(queue.comparator());
        return remaining;
    }
}
