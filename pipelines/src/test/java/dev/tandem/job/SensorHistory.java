package dev.tandem.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/** Generated sensor readings (TestSpecs.SENSORS's source) and alarms (SENSOR_ALARMS's feature source) as JSON lines. */
public final class SensorHistory {
    /** Where both start. */
    public static final long T0 = 1_700_000_000_000L;

    private SensorHistory() {}

    /**
     * Readings of a few busy devices on a 10 s grid (many ties), up to 50 s out of order, some values
     * missing. Temperatures stay well away from a zero sum: near it, DuckDB's floating-point sum and
     * Tandem's exact one differ in every digit, and both are right to within the rounding of the inputs.
     */
    public static void writeReadings(Path file, int n, Random random) throws Exception {
        Files.createDirectories(file.getParent());
        StringBuilder lines = new StringBuilder();
        long clock = T0;
        for (int i = 0; i < n; i++) {
            clock += random.nextInt(3) * 10_000L;
            if (random.nextInt(500) == 0) {
                clock += 3_000_000L + random.nextInt(8_000_000); // a quiet spell of 50 min to 3 h: lifetimes start afresh
            }
            long at = clock - random.nextInt(6) * 10_000L;
            String temp = random.nextInt(10) == 0 ? "null" : String.format(Locale.ROOT, "%.1f", 20 + random.nextGaussian() * 8);
            String site = random.nextInt(8) == 0 ? "null" : "\"s" + random.nextInt(4) + "\"";
            lines.append(String.format(Locale.ROOT, "{\"id\":\"r%05d\",\"at\":%d,\"device\":\"d%d\",\"site\":%s,\"temp\":%s,"
                    + "\"lat\":%.3f,\"lon\":%.3f}%n", i, at, random.nextInt(3), site, temp,
                    random.nextDouble() * 10, random.nextDouble() * 10));
        }
        Files.writeString(file, lines);
    }

    /**
     * Alarms of the same devices over the same hours, on the readings' 10 s grid (ties with
     * readings and among themselves), up to 100 s out of order, bursts and hour-long quiet spells,
     * some severities missing.
     */
    public static void writeAlarms(Path file, int n, Random random) throws Exception {
        Files.createDirectories(file.getParent());
        StringBuilder lines = new StringBuilder();
        long clock = T0;
        for (int i = 0; i < n; i++) {
            clock += random.nextInt(4) == 0 ? 0 : random.nextInt(12) * 10_000L;
            if (random.nextInt(200) == 0) {
                clock += 3_600_000L + random.nextInt(4_000_000);
            }
            long at = clock - random.nextInt(11) * 10_000L;
            String severity = random.nextInt(8) == 0 ? "null" : String.valueOf(1 + random.nextInt(5));
            lines.append(String.format(Locale.ROOT, "{\"alarm_id\":\"a%05d\",\"raised_at\":%d,\"device\":\"d%d\",\"severity\":%s,"
                    + "\"kind\":\"k%d\"}%n", i, at, random.nextInt(3), severity, random.nextInt(4)));
        }
        Files.writeString(file, lines);
    }
}
