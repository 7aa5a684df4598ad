package dev.tandem.job;

import dev.tandem.ingest.Ingested;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;

/**
 * Where each input file starts in event time: the earliest clean event it holds, found by reading
 * the file through the job's own cleaning format (so it is exactly the job's notion of an event).
 * Streaming over several files needs it: a reader takes one file after another, and the watermark
 * it makes while reading one file must stay behind every event of the files still to come.
 */
public final class FileEventTimes {
    private FileEventTimes() {}

    /** The earliest clean event time of each file (by file name, the partition); {@link Long#MAX_VALUE} for a file without one. */
    public static Map<String, Long> earliest(List<Path> files, BulkFormat<Ingested, FileSourceSplit> format) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(files.size(), Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<Long>> scans = new ArrayList<>();
            for (Path file : files) {
                scans.add(pool.submit(() -> earliest(file, format)));
            }
            Map<String, Long> earliest = new HashMap<>();
            for (int i = 0; i < files.size(); i++) {
                earliest.put(files.get(i).getFileName().toString(), scans.get(i).get());
            }
            return earliest;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while scanning the input files' event times", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("scanning the input files' event times failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static long earliest(Path file, BulkFormat<Ingested, FileSourceSplit> format) throws IOException {
        long size = Files.size(file);
        FileSourceSplit whole = new FileSourceSplit("scan", new org.apache.flink.core.fs.Path(file.toUri()), 0, size,
                Files.getLastModifiedTime(file).toMillis(), size);
        long earliest = Long.MAX_VALUE;
        try (BulkFormat.Reader<Ingested> reader = format.createReader(new Configuration(), whole)) {
            for (BulkFormat.RecordIterator<Ingested> batch = reader.readBatch(); batch != null; batch = reader.readBatch()) {
                for (RecordAndPosition<Ingested> next = batch.next(); next != null; next = batch.next()) {
                    Ingested record = next.getRecord();
                    if (record.isEvent()) {
                        earliest = Math.min(earliest, record.event.eventTime);
                    }
                }
                batch.releaseBatch();
            }
        }
        return earliest;
    }

    /**
     * For each file, the latest watermark a reader may make while reading it: just behind the
     * earliest event of every file handed out after it ({@link EarliestFirstAssigner}'s order);
     * {@link Long#MAX_VALUE} for the last file (no limit).
     */
    public static Map<String, Long> watermarkLimits(Map<String, Long> earliest) {
        List<String> order = new ArrayList<>(earliest.keySet());
        order.sort(EarliestFirstAssigner.order(earliest));
        Map<String, Long> limits = new HashMap<>();
        long earliestAfter = Long.MAX_VALUE;
        for (int i = order.size() - 1; i >= 0; i--) {
            limits.put(order.get(i), earliestAfter == Long.MAX_VALUE ? Long.MAX_VALUE : earliestAfter - 1);
            earliestAfter = Math.min(earliestAfter, earliest.get(order.get(i)));
        }
        return limits;
    }
}
