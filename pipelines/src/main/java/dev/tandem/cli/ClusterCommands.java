package dev.tandem.cli;

import dev.tandem.local.FlinkCli;
import dev.tandem.local.LocalFlinkCluster;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code ./tandem cluster|submit|savepoint|stop}: a real Flink standalone session cluster on
 * loopback, and the job jar submitted to it through the real Flink CLI.
 */
final class ClusterCommands {
    private ClusterCommands() {}

    /** Which local cluster: its REST port (its files live in .tandem/cluster). */
    static final class ClusterOptions {
        @Option(names = "--port", defaultValue = "8081", description = "The cluster's REST / Web UI port (default ${DEFAULT-VALUE}).")
        int port;

        LocalFlinkCluster cluster() {
            return new LocalFlinkCluster(ServerCommands.home().resolve(".tandem/cluster"), port,
                    ServerCommands.home().resolve("deploy/cluster/target/flink-cluster.classpath"));
        }

        FlinkCli cli() throws UsageError, IOException {
            LocalFlinkCluster cluster = cluster();
            if (!cluster.isRunning()) {
                throw new UsageError("no cluster is running; start one with ./tandem cluster start");
            }
            // The job's client inherits this process's environment (secrets included): nothing to add.
            return new FlinkCli(cluster, ServerCommands.home(), Map.of());
        }
    }

    @Command(name = "cluster", mixinStandardHelpOptions = true,
            description = "Start, stop or check a Flink standalone session cluster on 127.0.0.1 (JobManager with REST API "
                    + "and Web UI, TaskManagers; RocksDB; checkpoints and savepoints in .tandem/cluster).")
    static final class Cluster implements Callable<Integer> {
        @Parameters(index = "0", description = "start, stop or status")
        ServerCommands.Action action;

        @Mixin
        ClusterOptions options;

        @Option(names = "--taskmanagers", defaultValue = "1", description = "TaskManager processes to start (default ${DEFAULT-VALUE}).")
        int taskManagers;

        @Option(names = "--slots", defaultValue = "2", description = "Task slots per TaskManager (default ${DEFAULT-VALUE}).")
        int slots;

        @Override
        public Integer call() throws Exception {
            LocalFlinkCluster cluster = options.cluster();
            switch (action) {
                case start -> {
                    cluster.start(taskManagers, slots);
                    System.out.println("flink cluster running: Web UI and REST at " + cluster.webUi());
                }
                case stop -> {
                    cluster.stop();
                    System.out.println("flink cluster stopped");
                }
                case status -> {
                    if (!cluster.isRunning()) {
                        System.out.println("flink cluster not running");
                        return 3;
                    }
                    var overview = cluster.overview();
                    System.out.printf("flink cluster running at %s: %d taskmanagers, %d/%d slots free%n", cluster.webUi(),
                            overview.path("taskmanagers").asInt(), overview.path("slots-available").asInt(),
                            overview.path("slots-total").asInt());
                    for (var job : cluster.jobs()) {
                        System.out.printf("  %s  %-9s %s%n", job.path("jid").asText(), job.path("state").asText(), job.path("name").asText());
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = "Submit the job jar to the cluster through the Flink CLI. streaming: the Kafka -> PostgreSQL + "
                    + "Kafka job, detached (options as for ./tandem stream). batch: a features backfill, waited for "
                    + "(options as for ./tandem features). Unknown options go to the job.")
    static final class Submit implements Callable<Integer> {
        enum Kind { streaming, batch, training, bootstrap }

        @Parameters(index = "0", description = "streaming (stream, detached), batch (features --mode batch), training "
                + "(training-set) or bootstrap (bootstrap-state)")
        Kind kind;

        @Mixin
        ClusterOptions options;

        @Option(names = "--from-savepoint", paramLabel = "PATH", description = "Start from this savepoint or retained checkpoint.")
        String savepoint;

        @Option(names = "--from-checkpoint", paramLabel = "latest|PATH", description = "Start from a retained checkpoint: its path, or "
                + "'latest', the newest complete one in the cluster's checkpoint directory (or --checkpoint-dir): how a job is "
                + "resubmitted after its JobManager died without HA services.")
        String checkpoint;

        @Unmatched
        List<String> jobArgs = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            FlinkCli cli = options.cli();
            List<String> args = new ArrayList<>();
            if (kind == Kind.streaming) {
                args.add("stream");
                if (!jobArgs.contains("--checkpoint-dir")) {
                    args.addAll(List.of("--checkpoint-dir", options.cluster().checkpointDir().toString()));
                }
            } else if (kind == Kind.training) {
                args.add("training-set");
            } else if (kind == Kind.bootstrap) {
                args.add("bootstrap-state");
            } else {
                args.addAll(List.of("features", "--mode", "batch"));
            }
            args.addAll(jobArgs);
            boolean detached = kind == Kind.streaming;
            FlinkCli.Submission submission = cli.run(FlinkCli.jobJar(ServerCommands.home()), args, detached, restorePath(), Duration.ofHours(6));
            System.out.print(submission.output());
            System.out.println(kind + " job " + submission.jobId() + (detached ? " submitted" : " finished")
                    + "; Web UI: " + options.cluster().webUi() + "/#/job/running/" + submission.jobId() + "/overview");
            return 0;
        }

        private String restorePath() {
            if (savepoint != null && checkpoint != null) {
                throw new UsageError("give --from-savepoint or --from-checkpoint, not both");
            }
            if (checkpoint == null) {
                return savepoint;
            }
            int dir = jobArgs.indexOf("--checkpoint-dir");
            String checkpoints = dir >= 0 && dir + 1 < jobArgs.size() ? jobArgs.get(dir + 1) : options.cluster().checkpointDir().toString();
            String path = StreamCommand.checkpoint(checkpoint, StreamCommand.checkpointUri(checkpoints));
            System.out.println("starting from checkpoint " + path);
            return path;
        }
    }

    @Command(name = "savepoint", mixinStandardHelpOptions = true,
            description = "Take a savepoint of a running job (into .tandem/cluster/savepoints) and print its path.")
    static final class Savepoint implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", description = "Job id (default: the only running job).")
        String jobId;

        @Mixin
        ClusterOptions options;

        @Override
        public Integer call() throws Exception {
            FlinkCli cli = options.cli();
            System.out.println(cli.savepoint(jobId != null ? jobId : onlyRunningJob(options.cluster())));
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop a running job with a savepoint and print its path; resume with ./tandem submit streaming "
                    + "--from-savepoint PATH.")
    static final class Stop implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", description = "Job id (default: the only running job).")
        String jobId;

        @Mixin
        ClusterOptions options;

        @Option(names = "--drain", description = "Advance event time to the end first, emitting every pending vector "
                + "(for a job that will not resume).")
        boolean drain;

        @Override
        public Integer call() throws Exception {
            FlinkCli cli = options.cli();
            System.out.println(cli.stopWithSavepoint(jobId != null ? jobId : onlyRunningJob(options.cluster()), drain));
            return 0;
        }
    }

    static String onlyRunningJob(LocalFlinkCluster cluster) throws Exception {
        List<String> running = new ArrayList<>();
        cluster.jobs().forEach(j -> {
            if (j.path("state").asText().equals("RUNNING")) {
                running.add(j.path("jid").asText());
            }
        });
        if (running.size() != 1) {
            throw new UsageError(running.size() + " jobs are running " + running + "; name one");
        }
        return running.get(0);
    }
}
