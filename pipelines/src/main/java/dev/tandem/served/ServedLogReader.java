package dev.tandem.served;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.kafka.TopicReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads a served-feature log: the server's Kafka topic, or its records saved as JSON lines (a file,
 * or a directory of {@code *.jsonl}). Erasure records are collected, not returned as answers:
 * readers leave an erased entity's answers out.
 */
public final class ServedLogReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The log's answers, oldest first per partition, and the entities erased (per group, the keys). */
    public record ServedLog(List<ServedAnswer> answers, Map<String, Set<String>> erased) {
        /** Whether any of the answer's entities was erased. */
        public boolean isErased(ServedAnswer answer) {
            return answer.keys().entrySet().stream().anyMatch(k -> erased.getOrDefault(k.getKey(), Set.of()).contains(k.getValue()));
        }
    }

    private ServedLogReader() {}

    /** From {@code source}: an existing file or directory is read as JSON lines, anything else is a topic on {@code bootstrap}. */
    public static ServedLog read(String source, String bootstrap) throws IOException {
        Path path = Path.of(source);
        List<String> lines = Files.exists(path) ? lines(path) : TopicReader.readCommitted(bootstrap, source);
        List<ServedAnswer> answers = new ArrayList<>();
        Map<String, Set<String>> erased = new HashMap<>();
        for (String line : lines) {
            if (line == null || line.isBlank()) {
                continue;
            }
            JsonNode record = JSON.readTree(line);
            JsonNode erasure = record.get("erasure");
            if (erasure != null) {
                erased.computeIfAbsent(erasure.path("group").asText(), g -> new HashSet<>()).add(erasure.path("key").asText());
                continue;
            }
            ServedAnswer answer = ServedAnswer.of(record);
            if (answer != null) {
                answers.add(answer);
            }
        }
        return new ServedLog(answers, erased);
    }

    private static List<String> lines(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return Files.readAllLines(path);
        }
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.walk(path)) {
            files.filter(f -> f.toString().endsWith(".jsonl")).sorted().forEach(f -> {
                try (BufferedReader in = Files.newBufferedReader(f)) {
                    in.lines().forEach(lines::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return lines;
    }
}
