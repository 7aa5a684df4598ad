package dev.tandem.served;

import dev.tandem.job.FeatureTableSchema;
import dev.tandem.offline.EventDate;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.training.LabelEvent;
import dev.tandem.training.LabelJoinFunction;
import dev.tandem.training.LabelParser;
import dev.tandem.training.TrainingTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;

/**
 * A training set from what the model actually saw: per scored event, the first vector the server
 * answered with (not the batch recomputation), joined with its label by the training set's own
 * rule (positive when a label arrives within the maturity window; events younger than the window
 * at the snapshot left out). Same columns as {@code training-set}, Parquet partitioned by event date;
 * entity reads (no event) and erased entities' answers are left out.
 */
public final class ServedTrainingSet {
    /** What went in and what came out. */
    public record Summary(long answers, long scoredEvents, long erased, long immature, long rows, long positives, Map<String, Long> refusedLabels) {
        public String render() {
            return String.format("served training set: %,d answers, %,d scored events (first answer each), %,d erased left out, "
                    + "%,d immature left out -> %,d rows, %,d positive; refused labels %s", answers, scoredEvents, erased, immature,
                    rows, positives, refusedLabels);
        }
    }

    private ServedTrainingSet() {}

    public static Summary build(CompiledSpec spec, ServedLogReader.ServedLog log, List<String> labelLines, long snapshotMillis, Path output)
            throws IOException {
        Map<String, Long> firstLabel = new HashMap<>();
        Map<String, Long> refused = new java.util.TreeMap<>();
        for (String line : labelLines) {
            LabelParser.Parsed parsed = LabelParser.parse(line, spec.labels, spec.eventIdOrder.numeric());
            if (parsed.label() == null) {
                refused.merge(parsed.reason(), 1L, Long::sum);
            } else {
                LabelEvent label = parsed.label();
                firstLabel.merge(label.eventId, label.labelTime, Math::min);
            }
        }
        Map<String, ServedAnswer> first = new LinkedHashMap<>();
        long erased = 0;
        for (ServedAnswer answer : log.answers()) {
            if (answer.eventId() == null) {
                continue;
            }
            if (log.isErased(answer)) {
                erased++;
                continue;
            }
            first.merge(answer.eventId(), answer, (a, b) -> a.servedAt() <= b.servedAt() ? a : b);
        }
        Schema schema = TrainingTable.schema(spec);
        long immature = 0;
        long positives = 0;
        Map<String, List<GenericRecord>> byDate = new java.util.TreeMap<>();
        for (ServedAnswer answer : first.values()) {
            if (!LabelJoinFunction.isMature(answer.asOf(), spec.labels.maturityMillis(), snapshotMillis)) {
                immature++;
                continue;
            }
            Long labelTime = firstLabel.get(answer.eventId());
            boolean positive = LabelJoinFunction.isPositive(answer.asOf(), labelTime, spec.labels.maturityMillis(), snapshotMillis);
            positives += positive ? 1 : 0;
            byDate.computeIfAbsent(EventDate.partition(answer.asOf()), d -> new ArrayList<>())
                    .add(row(spec, schema, answer, positive, labelTime));
        }
        long rows = 0;
        for (Map.Entry<String, List<GenericRecord>> date : byDate.entrySet()) {
            Path dir = Files.createDirectories(output.resolve(date.getKey()));
            date.getValue().sort(Comparator.comparingLong(r -> (Long) r.get(FeatureTableSchema.EVENT_TIME)));
            try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(dir.resolve("part-served-0.parquet")))
                    .withSchema(schema).withDataModel(GenericData.get()).build()) {
                for (GenericRecord r : date.getValue()) {
                    writer.write(r);
                    rows++;
                }
            }
        }
        return new Summary(log.answers().size(), first.size(), erased, immature, rows, positives, refused);
    }

    private static GenericRecord row(CompiledSpec spec, Schema schema, ServedAnswer answer, boolean positive, Long labelTime) {
        GenericRecord row = new GenericData.Record(schema);
        row.put(FeatureTableSchema.EVENT_ID, spec.eventIdOrder.numeric() ? (Object) Long.parseLong(answer.eventId()) : answer.eventId());
        row.put(FeatureTableSchema.EVENT_TIME, answer.asOf());
        for (CompiledSpec.EntityGroup group : spec.entities) {
            row.put(group.keyName(), answer.keys().get(group.name()));
        }
        for (CompiledSpec.Feature f : spec.allFeatures()) {
            Object v = answer.features().get(f.name());
            row.put(f.name(), v == null ? null : f.agg().integral() ? (Object) ((Number) v).longValue() : (Object) ((Number) v).doubleValue());
        }
        row.put(FeatureTableSchema.FEATURE_SET_VERSION, answer.featureSetVersion());
        row.put(TrainingTable.LABEL, positive ? 1 : 0);
        row.put(TrainingTable.LABEL_TIME, positive ? labelTime : null);
        return row;
    }
}
