package dev.tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The public command-line interface: help everywhere, one-line errors and exit code 2 for bad arguments. */
class TandemCliTest {
    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    private int run(String... args) {
        CommandLine cli = TandemCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(out, true));
        return cli.execute(args);
    }

    @Test
    void theTopLevelHelpNamesEveryCommand() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: tandem ");
        for (String command : TandemCli.commandLine().getSubcommands().keySet()) {
            assertThat(out.toString()).as(command).containsPattern("(?m)^\\s+" + command + "\\b");
        }
    }

    /** Each command's help shows its usage line and the options its users call it with. */
    @ParameterizedTest
    @ValueSource(strings = {"generate --out --events --seed --dirty-rate", "features --mode --input --output --spec",
            "parity --left --right --online --served", "demo", "sql -f --mode --cluster",
            "training-set --input --output --snapshot --served", "serve --port --spec --bootstrap --topic-prefix",
            "stream --bootstrap --jdbc-url --bounded", "bench", "erase --entity --group", "lineage --json"})
    void everyCommandHasHelp(String commandAndOptions) {
        String[] words = commandAndOptions.split(" ");
        assertThat(run(words[0], "--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: tandem " + words[0]);
        for (int i = 1; i < words.length; i++) {
            assertThat(out.toString()).as(words[0] + " help").contains(words[i]);
        }
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void badArgumentsGiveOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        assertThat(run("features", "--mode", "sideways", "--input", "x", "--output", "y")).isEqualTo(2);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).contains("--mode");

        assertThat(run("generate", "--out", dir.toString(), "--dirty-rate", "2")).isEqualTo(2);
        assertThat(run("nonsense")).isEqualTo(2);
        assertThat(run()).isEqualTo(2);
        assertThat(run("parity", "--left", dir.toString(), "--right", dir.toString())).isEqualTo(2);

        Path spec = Files.writeString(dir.resolve("bad.yaml"), "name: x\nsource: {}\n");
        Files.createDirectories(dir.resolve("in"));
        assertThat(run("features", "--mode", "batch", "--input", dir.resolve("in").toString(),
                "--output", dir.resolve("out").toString(), "--spec", spec.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("bad.yaml");
    }

    @Test
    void aReportPrintedOnTheProcessStreamsReachesThemWhole(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("a/features"));
        Files.createDirectories(dir.resolve("b/features"));
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, false, java.nio.charset.StandardCharsets.UTF_8));
        int exit;
        try {
            // The process's own streams, as ./tandem runs: picocli's writer buffers what is print()ed without a newline.
            exit = TandemCli.execute("parity", "--left", dir.resolve("a").toString(), "--right", dir.resolve("b").toString());
            System.out.flush();
        } finally {
            System.setOut(stdout);
        }
        assertThat(exit).isZero();
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("matched       0").contains("PARITY OK");
    }
}
