package dev.tandem.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Renders a cleaned event for a dead letter refused after parsing (late, duplicate). The raw line
 * is not carried past parsing to keep records small; the cleaned form holds no raw PII.
 */
final class CleanEventJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CleanEventJson() {}

    static String render(CleanEvent event) {
        ObjectNode node = JSON.createObjectNode();
        node.put("event_id", event.eventId);
        node.put("event_time", event.eventTime);
        var text = node.putArray("text");
        for (String t : event.text) {
            text.add(t);
        }
        var numbers = node.putArray("numbers");
        for (double d : event.numbers) {
            if (Double.isNaN(d)) {
                numbers.addNull();
            } else {
                numbers.add(d);
            }
        }
        return node.toString();
    }
}
