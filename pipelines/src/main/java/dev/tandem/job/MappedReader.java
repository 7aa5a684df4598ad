package dev.tandem.job;

import java.io.IOException;
import java.util.function.Function;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;

/** A file reader whose records are turned into others one by one, positions kept (for formats that clean as they read). */
public final class MappedReader {
    private MappedReader() {}

    public static <T, R> BulkFormat.Reader<R> of(BulkFormat.Reader<T> reader, Function<T, R> map) {
        return new BulkFormat.Reader<>() {
            @Override
            public BulkFormat.RecordIterator<R> readBatch() throws IOException {
                BulkFormat.RecordIterator<T> batch = reader.readBatch();
                return batch == null ? null : new BulkFormat.RecordIterator<>() {
                    @Override
                    public RecordAndPosition<R> next() {
                        RecordAndPosition<T> next = batch.next();
                        return next == null ? null
                                : new RecordAndPosition<>(map.apply(next.getRecord()), next.getOffset(), next.getRecordSkipCount());
                    }

                    @Override
                    public void releaseBatch() {
                        batch.releaseBatch();
                    }
                };
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }
}
