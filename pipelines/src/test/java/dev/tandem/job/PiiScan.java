package dev.tandem.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.kafka.TopicReader;
import dev.tandem.kafka.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The raw personal data of a generated history, and where any of it shows up in a sink's text. */
public final class PiiScan {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CARD_IN_TEXT = Pattern.compile("\"card_number\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern EMAIL_IN_TEXT = Pattern.compile("\"email\"\\s*:\\s*\"([^\"]*)\"");
    private final Set<String> values = new HashSet<>();

    private PiiScan() {}

    /** The given raw values (a test's own card numbers and e-mail addresses), as written and as card digits. */
    public static PiiScan ofValues(String... raw) {
        PiiScan scan = new PiiScan();
        for (String value : raw) {
            if (value.contains("@")) {
                scan.add("", value);
            } else {
                scan.add(value, "");
            }
        }
        return scan;
    }

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
                // A record that is not JSON still carries personal data: read the fields from its text.
                add(field(CARD_IN_TEXT, line), field(EMAIL_IN_TEXT, line));
                continue;
            }
            add(n.path("card_number").asText(""), n.path("email").asText(""));
        }
    }

    private void add(String card, String email) {
        String digits = card.replaceAll("\\D", "");
        if (digits.length() >= 12) {
            values.add(digits);
            values.add(card.toLowerCase(Locale.ROOT));
        }
        if (email.contains("@")) {
            values.add(email.strip().toLowerCase(Locale.ROOT));
        }
    }

    private static String field(Pattern pattern, String line) {
        Matcher m = pattern.matcher(line);
        return m.find() ? m.group(1) : "";
    }

    public int size() {
        return values.size();
    }

    /**
     * The raw values found in any topic of the broker (keys and values, discovered, not listed), but
     * the input topics: a test's {@code <prefix>transactions} topic holds raw events by definition.
     */
    public List<String> findInTopics(String bootstrap) throws Exception {
        return findInTopics(bootstrap, "");
    }

    /** As {@link #findInTopics(String)}, over the topics whose names start with {@code prefix}. */
    public List<String> findInTopics(String bootstrap, String prefix) throws Exception {
        List<String> found = new ArrayList<>();
        for (String topic : new TreeSet<>(Topics.list(bootstrap))) {
            if (!topic.startsWith(prefix) || topic.endsWith(Topics.TRANSACTIONS)) {
                continue;
            }
            StringBuilder text = new StringBuilder();
            for (TopicReader.Entry e : TopicReader.readAll(bootstrap, topic)) {
                text.append(e.key()).append('\t').append(e.value()).append('\n');
            }
            found.addAll(findIn(topic + " topic", text.toString()));
        }
        return found;
    }

    /** The raw values found in any table of the database (discovered from its catalog, not listed). */
    public List<String> findInTables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) "
                + "FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                + "AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        List<String> found = new ArrayList<>();
        for (String table : tables) {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT string_agg(row_to_json(t)::text, E'\\n') FROM " + table + " t")) {
                rs.next();
                found.addAll(findIn(table + " table", String.valueOf(rs.getString(1))));
            }
        }
        return found;
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
