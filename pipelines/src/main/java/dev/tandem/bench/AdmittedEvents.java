package dev.tandem.bench;

import dev.tandem.ingest.CleanEvent;
import dev.tandem.ingest.LatenessGate;
import dev.tandem.ingest.RecordCleaner;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.CurrencyConverter;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The events a features run computes vectors for, found in plain Java with the job's own rules
 * (clean, the lateness gate in input order, first copy of an id), so the baselines get exactly the
 * job's input and none of its dead letters.
 */
final class AdmittedEvents {
    private AdmittedEvents() {}

    static List<CleanEvent> read(CompiledSpec spec, List<Path> files, String piiSecret) throws IOException {
        return read(spec, spec.rowSource(), files, piiSecret);
    }

    /** The admitted events of one of the spec's sources (a feature source's, with its own bound and ids). */
    static List<CleanEvent> read(CompiledSpec spec, CompiledSpec.EventSource source, List<Path> files, String piiSecret)
            throws IOException {
        RecordCleaner cleaner = new RecordCleaner(spec, source, piiSecret, CurrencyConverter.defaultTable(), System::currentTimeMillis);
        LatenessGate gate = new LatenessGate(source.maxOutOfOrdernessMillis());
        Set<String> seen = new HashSet<>();
        List<CleanEvent> admitted = new ArrayList<>();
        for (Path file : files) {
            try (BufferedReader in = Files.newBufferedReader(file)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    CleanEvent event = cleaner.clean(line).event();
                    if (event != null && gate.admit(event.eventTime) && seen.add(event.eventId)) {
                        admitted.add(event);
                    }
                }
            }
        }
        return admitted;
    }
}
