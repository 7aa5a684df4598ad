package dev.tandem.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real Flink command line ({@code org.apache.flink.client.cli.CliFrontend}) against a
 * {@link LocalFlinkCluster}: submit a jar, trigger a savepoint, stop with a savepoint.
 */
public final class FlinkCli {
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint (?:completed|stored in)\\.? (?:Path: )?(\\S+)");

    private final LocalFlinkCluster cluster;
    private final Path home;
    private final Map<String, String> environment;

    /**
     * @param home the project directory, passed to the job's client as {@code tandem.home}
     * @param environment added to the client's environment (the job's main reads its secrets there)
     */
    public FlinkCli(LocalFlinkCluster cluster, Path home, Map<String, String> environment) {
        this.cluster = cluster;
        this.home = home.toAbsolutePath();
        this.environment = Map.copyOf(environment);
    }

    /** The shaded job jar in {@code home}/pipelines/target (Flink provided, the UDFs inside). */
    public static Path jobJar(Path home) throws IOException {
        Path target = home.resolve("pipelines/target");
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(p -> p.getFileName().toString().matches("tandem-pipelines-.*-job\\.jar")).findFirst()
                    .orElseThrow(() -> new IOException("no job jar in " + target + "; run ./tandem build"));
        }
    }

    /** What a submission printed, and the job's id. */
    public record Submission(String jobId, String output) {}

    /**
     * Submits {@code jar} with its main class's arguments; detached returns once the job runs, attached
     * once it has finished. {@code savepoint} (may be null) is the state to start from.
     */
    public Submission run(Path jar, List<String> args, boolean detached, String savepoint, Duration timeout) throws Exception {
        List<String> cli = new ArrayList<>(List.of("run"));
        if (detached) {
            cli.add("-d");
        }
        if (savepoint != null) {
            cli.addAll(List.of("-s", savepoint));
        }
        cli.add(jar.toAbsolutePath().toString());
        cli.addAll(args);
        String output = flink(cli, timeout);
        Matcher id = JOB_ID.matcher(output);
        if (!id.find()) {
            throw new IOException("the Flink CLI printed no job id:\n" + output);
        }
        return new Submission(id.group(1), output);
    }

    /** Triggers a savepoint of a running job; returns its path. */
    public String savepoint(String jobId) throws Exception {
        return savepointPath(flink(List.of("savepoint", jobId, cluster.savepointDir().toUri().toString()), Duration.ofMinutes(5)));
    }

    /**
     * Stops a job with a final savepoint (sources stop first, so nothing is processed twice after a
     * resume). {@code drain} first advances event time to the end, emitting everything still pending:
     * for a job that ends for good, not for one that will resume.
     */
    public String stopWithSavepoint(String jobId, boolean drain) throws Exception {
        List<String> args = new ArrayList<>(List.of("stop", "--savepointPath", cluster.savepointDir().toUri().toString()));
        if (drain) {
            args.add("--drain");
        }
        args.add(jobId);
        return savepointPath(flink(args, Duration.ofMinutes(5)));
    }

    /** Cancels a job without a savepoint. */
    public void cancel(String jobId) throws Exception {
        flink(List.of("cancel", jobId), Duration.ofMinutes(2));
    }

    private static String savepointPath(String output) throws IOException {
        Matcher path = SAVEPOINT.matcher(output);
        if (!path.find()) {
            throw new IOException("the Flink CLI printed no savepoint path:\n" + output);
        }
        return path.group(1);
    }

    private String flink(List<String> args, Duration timeout) throws Exception {
        List<String> cmd = FlinkJvm.command();
        cmd.addAll(List.of(
                "-Dlog4j2.configurationFile=" + cluster.confDir().resolve("log4j-cli.properties"),
                "-Dtandem.home=" + home,
                "-cp", cluster.classpath(), "org.apache.flink.client.cli.CliFrontend"));
        cmd.addAll(args);
        Map<String, String> env = new HashMap<>(environment);
        env.put("FLINK_CONF_DIR", cluster.confDir().toString());
        return Processes.run(cmd, timeout, env);
    }
}
