package dev.tandem.erasure;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The record of erasure requests, one JSON line each, appended and never rewritten. Backfills read
 * it to leave erased entities out; PostgreSQL keeps the same record beside the online store.
 */
public final class ErasureLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ErasureLog() {}

    public static void append(Path log, ErasureRequest request) throws IOException {
        if (log.toAbsolutePath().getParent() != null) {
            Files.createDirectories(log.toAbsolutePath().getParent());
        }
        Files.writeString(log, JSON.writeValueAsString(request) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    public static List<ErasureRequest> read(Path log) throws IOException {
        List<ErasureRequest> requests = new ArrayList<>();
        if (log == null || !Files.exists(log)) {
            return requests;
        }
        for (String line : Files.readAllLines(log)) {
            if (!line.isBlank()) {
                requests.add(JSON.readValue(line, ErasureRequest.class));
            }
        }
        return requests;
    }
}
