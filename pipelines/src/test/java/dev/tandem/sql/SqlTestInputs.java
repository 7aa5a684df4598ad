package dev.tandem.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.udfs.logic.AmountParser;
import dev.tandem.udfs.logic.CardNumbers;
import dev.tandem.udfs.logic.CurrencyConverter;
import dev.tandem.udfs.logic.CurrencyNormalizer;
import dev.tandem.udfs.logic.TimestampParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** What the SQL tests give the client, and an independent reading of the SQL cleaning views. */
final class SqlTestInputs {
    static final String SECRET = "sql-test";

    private SqlTestInputs() {}

    /** File inputs only: no reachable Kafka or PostgreSQL. */
    static SqlClientRunner.Settings files(String mode, CompiledSpec spec, Path history, Path offline) {
        return withOnlineStore(mode, spec, history, offline, "jdbc:postgresql://127.0.0.1:1/none", "none", "none");
    }

    /** File inputs and a real online store. */
    static SqlClientRunner.Settings withOnlineStore(String mode, CompiledSpec spec, Path history, Path offline,
            String jdbcUrl, String user, String password) {
        return new SqlClientRunner.Settings(mode, null, spec, Map.of(
                "HISTORY_DIR", history.toString(), "OFFLINE_DIR", offline.toString(),
                "KAFKA_BOOTSTRAP", "127.0.0.1:1", "JDBC_URL", jdbcUrl,
                "JDBC_USER", user, "JDBC_PASSWORD", password), SECRET);
    }

    /** A transaction as unique_transactions_timed holds it. */
    record CleanTransaction(long eventTime, String merchantId, double amountUsd) {}

    /** The rows unique_transactions_timed keeps, by id, computed with the UDFs' plain-Java logic. */
    static Map<String, CleanTransaction> cleanTransactions(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        CurrencyConverter rates = CurrencyConverter.defaultTable();
        long now = System.currentTimeMillis();
        Map<String, CleanTransaction> clean = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode n;
            try {
                n = json.readTree(line);
            } catch (IOException malformed) {
                continue;
            }
            var ts = TimestampParser.parse(text(n, "ts"));
            var amount = AmountParser.parse(text(n, "amount"));
            var currency = CurrencyNormalizer.normalize(text(n, "currency"));
            if (!(ts.isOk() && ts.value() > 0 && ts.value() <= now + 86_400_000L
                    && CardNumbers.clean(text(n, "card_number")).isOk() && amount.isOk() && currency.isOk()
                    && n.hasNonNull("merchant_id") && n.hasNonNull("txn_id"))) {
                continue;
            }
            var usd = rates.toBase(amount.value().doubleValue(), currency.value());
            if (usd.isOk()) {
                // re-sent copies count once
                clean.putIfAbsent(text(n, "txn_id"), new CleanTransaction(ts.value(), text(n, "merchant_id"), usd.value()));
            }
        }
        return clean;
    }

    /** A raw field as the SQL tables read it: text, or the JSON of a non-scalar. */
    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
    }
}
