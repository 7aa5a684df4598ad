package dev.tandem.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.flink.runtime.util.EnvironmentInformation;

/** BENCHMARKS.md: one dated row per benchmark run, with the machine, versions, data and command. */
final class ResultsLog {
    private static final String HEADER = """
            # Benchmarks

            Rows are appended by `./tandem bench <name>`; every timing is compared with baselines
            measured in the same run on the same machine (shared, noisy machines: read the ratios).

            | date | benchmark | machine | versions | data | command | results |
            | --- | --- | --- | --- | --- | --- | --- |
            """;

    private ResultsLog() {}

    static String machine() {
        long bytes = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return Runtime.getRuntime().availableProcessors() + " cores, " + Math.round(bytes / (1024.0 * 1024 * 1024)) + " GB";
    }

    static String versions(String extra) {
        return "Flink " + EnvironmentInformation.getVersion() + ", Java " + Runtime.version().feature()
                + (extra.isEmpty() ? "" : ", " + extra);
    }

    static void append(Path file, String benchmark, String versions, String data, String command, String results) throws IOException {
        if (!Files.exists(file)) {
            Files.writeString(file, HEADER);
        }
        String row = String.join(" | ", LocalDate.now(ZoneOffset.UTC).toString(), benchmark, machine(), versions, data,
                "`" + command + "`", results.replace("|", "/").replace("\n", "<br>"));
        Files.writeString(file, "| " + row + " |\n", StandardOpenOption.APPEND);
    }
}
