package dev.tandem.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs `./tandem` commands in the test's JVM (so on its MiniCluster), as a user types them. */
public final class CliRuns {
    private CliRuns() {}

    /** The exit code; a failing command's error output goes to the test log. */
    public static int run(String... args) {
        StringWriter err = new StringWriter();
        int code = run(new StringWriter(), err, args);
        if (code != 0) {
            System.err.println(err);
        }
        return code;
    }

    /** The exit code, with the command's own output and errors in {@code out} and {@code err}. */
    public static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = TandemCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
