package dev.tandem.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The raw personal data of a generated history, and where any of it shows up in a sink's text. */
public final class PiiScan {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Set<String> values = new HashSet<>();

    private PiiScan() {}

    /** Every card number (as written and as digits) and email address of the raw transactions. */
    public static PiiScan of(List<Path> transactionFiles) throws IOException {
        PiiScan scan = new PiiScan();
        for (Path transactions : transactionFiles) {
            scan.read(transactions);
        }
        return scan;
    }

    private void read(Path transactions) throws IOException {
        for (String line : Files.readAllLines(transactions)) {
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException malformed) {
                continue;
            }
            String card = n.path("card_number").asText("");
            String digits = card.replaceAll("\\D", "");
            if (digits.length() >= 12) {
                values.add(digits);
                values.add(card.toLowerCase(Locale.ROOT));
            }
            String email = n.path("email").asText("");
            if (email.contains("@")) {
                values.add(email.strip().toLowerCase(Locale.ROOT));
            }
        }
    }

    public int size() {
        return values.size();
    }

    /** The raw values found in {@code text}, prefixed by where it came from. */
    public List<String> findIn(String where, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> found = new ArrayList<>();
        for (String value : values) {
            if (lower.contains(value)) {
                found.add(where + ": " + value);
            }
        }
        return found;
    }
}
