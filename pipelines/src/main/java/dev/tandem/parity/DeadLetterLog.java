package dev.tandem.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.kafka.TopicReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The dead letters of an output: counts per reason and the ids of late events. */
public final class DeadLetterLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    public final TreeMap<String, Long> countsByReason = new TreeMap<>();
    public final Set<String> lateEventIds = new TreeSet<>();
    /** Each dead-lettered event's reason, by event id (the first, when an id was refused twice). */
    public final Map<String, String> reasonByEventId = new HashMap<>();
    public long total;

    /** Dead letters per reason on a dead-letter topic (its committed records). */
    public static TreeMap<String, Long> countsOnTopic(String bootstrap, String topic) throws IOException {
        TreeMap<String, Long> byReason = new TreeMap<>();
        for (String value : TopicReader.readCommitted(bootstrap, topic)) {
            byReason.merge(JSON.readTree(value).path("reason").asText("unknown"), 1L, Long::sum);
        }
        return byReason;
    }

    public static DeadLetterLog read(Path outputDir) throws IOException {
        DeadLetterLog log = new DeadLetterLog();
        for (Path file : OutputFiles.list(outputDir.resolve("dead-letters"), ".jsonl")) {
            try (BufferedReader in = Files.newBufferedReader(file)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode node = JSON.readTree(line);
                    String reason = node.path("reason").asText("unknown");
                    log.countsByReason.merge(reason, 1L, Long::sum);
                    log.total++;
                    if (node.hasNonNull("event_id")) {
                        log.reasonByEventId.putIfAbsent(node.get("event_id").asText(), reason);
                    }
                    if (reason.equals("late") && node.hasNonNull("event_id")) {
                        log.lateEventIds.add(node.get("event_id").asText());
                    }
                }
            }
        }
        return log;
    }
}
