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

    private int run(String... args) {
        CommandLine cli = TandemCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "generate", "features", "parity", "demo"})
    void everyCommandHasHelp(String command) {
        String[] args = command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"};
        assertThat(run(args)).isZero();
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
}
