package dev.tandem.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Starting, finding and stopping the local server processes Tandem manages. */
final class Processes {
    private Processes() {}

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Runs a command to completion; fails with its output when it exits non-zero. */
    static String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        return run(command, timeout, Map.of());
    }

    /** Runs a command with extra environment variables to completion; fails with its output when it exits non-zero. */
    static String run(List<String> command, Duration timeout, Map<String, String> environment) throws IOException, InterruptedException {
        // Output goes to a file: a chatty process must not block on a full pipe while we wait for it.
        Path outputFile = Files.createTempFile("tandem-process", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(outputFile.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        String output;
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
            output = Files.readString(outputFile, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(outputFile);
        }
        if (p.exitValue() != 0) {
            String program = command.stream().filter(a -> !a.startsWith("-") && !a.contains("/") && !a.contains(":"))
                    .findFirst().orElse(command.get(0));
            List<String> lines = output.strip().lines().toList();
            String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 12), lines.size()));
            throw new IOException(program + " exited " + p.exitValue() + ": " + tail);
        }
        return output;
    }

    /** Starts a long-running process in the background, its output in {@code log}, its pid in {@code pidFile}. */
    static long spawn(List<String> command, Path log, Path pidFile) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Files.writeString(pidFile, Long.toString(p.pid()));
        return p.pid();
    }

    static Optional<ProcessHandle> running(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    /** Asks the process to stop, then insists after the grace period. */
    static void stop(Path pidFile, Duration grace) throws IOException, InterruptedException {
        Optional<ProcessHandle> handle = running(pidFile);
        if (handle.isPresent()) {
            ProcessHandle p = handle.get();
            p.destroy();
            long deadline = System.nanoTime() + grace.toNanos();
            while (p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        Files.deleteIfExists(pidFile);
    }

    /** The command, run as {@code user} when this process is root (servers that refuse to run as root). */
    static List<String> as(String user, List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", user, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
