package dev.tandem.job;

import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Parquet rows enter ingestion as JSON text, so one cleaning path (and one dead-letter format)
 * serves both input formats. Avro renders a record as JSON; logical timestamps stay epoch numbers,
 * which the timestamp cleaner reads by magnitude.
 */
public final class ParquetRowsAsJson implements MapFunction<GenericRecord, String> {
    @Override
    public String map(GenericRecord row) {
        return GenericData.get().toString(row);
    }
}
