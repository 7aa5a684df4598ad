package dev.tandem.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/** Runs `./tandem` commands in the test's JVM (so on its MiniCluster), as a user types them. */
public final class CliRuns {
    private CliRuns() {}

    /**
     * Runs a command that must succeed; if it does not, the failure names its exit code and what it
     * printed on its error output, so a CI log that shows only the failing assertion shows why.
     */
    public static void succeeds(String... args) {
        StringWriter err = new StringWriter();
        int code = run(new StringWriter(), err, args);
        if (code != 0) {
            throw new AssertionError("tandem " + args[0] + " exited " + code + ": " + err);
        }
    }

    /** The exit code; a failing command's error output goes to the test log. */
    public static int run(String... args) {
        StringWriter err = new StringWriter();
        int code = run(new StringWriter(), err, args);
        if (code != 0) {
            System.err.println(err);
        }
        return code;
    }

    /** What a command run in its own JVM printed, and its exit code. */
    public record Result(int exit, String output) {}

    /**
     * Runs a command in a fresh JVM on the test's classpath without the given environment
     * variables: what a user's shell without them would see, whatever this JVM's environment holds.
     */
    public static Result runWithout(java.util.Set<String> unsetVariables, String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TandemCli.class.getName()));
        command.addAll(java.util.List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        unsetVariables.forEach(builder.environment()::remove);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("tandem " + String.join(" ", args) + " did not exit: " + output);
        }
        return new Result(process.exitValue(), output);
    }

    /** The exit code, with the command's own output and errors in {@code out} and {@code err}. */
    public static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = TandemCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
