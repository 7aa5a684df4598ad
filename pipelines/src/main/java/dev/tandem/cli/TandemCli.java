package dev.tandem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./tandem <command>}: the entry point for users, tests and the job jar. Bad arguments give
 * one line on stderr and exit code 2; failures exit 1.
 */
@Command(
        name = "tandem",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Feature pipelines on Apache Flink: one definition, batch and streaming.",
        subcommands = {GenerateCommand.class, FeaturesCommand.class, ParityCommand.class, DemoCommand.class,
                ServerCommands.Kafka.class, ServerCommands.Postgres.class, ClusterCommands.Cluster.class,
                ClusterCommands.Submit.class, ClusterCommands.Savepoint.class, ClusterCommands.Stop.class, StreamCommand.class, TrainingSetCommand.class, SqlCommand.class, BenchCommand.class,
                ReportCommand.class, LineageCommand.class, EraseCommand.class, ServeCommand.class, BootstrapStateCommand.class,
                MigrateSavepointCommand.class, ModelCommand.class})
public final class TandemCli implements Runnable {
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command on the process's standard streams; returns its exit code. */
    static int execute(String... args) {
        CommandLine cli = commandLine();
        int exit = cli.execute(args);
        // Picocli's writers flush on println only: what a command print()ed would be lost at exit.
        cli.getOut().flush();
        cli.getErr().flush();
        return exit;
    }

    public static CommandLine commandLine() {
        return withHandlers(new CommandLine(new TandemCli()));
    }

    /**
     * The job jar's entry point: only the commands a Flink cluster runs. The launcher's others (the
     * feature server, the demo, benchmarks) need libraries the job jar leaves out.
     */
    @Command(name = "tandem", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Tandem's Flink jobs.", subcommands = {FeaturesCommand.class, StreamCommand.class, TrainingSetCommand.class,
                    BootstrapStateCommand.class})
    static final class JobCommands implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
        }
    }

    public static CommandLine jobCommandLine() {
        return withHandlers(new CommandLine(new JobCommands()));
    }

    private static CommandLine withHandlers(CommandLine commandLine) {
        return commandLine
                .setParameterExceptionHandler((e, args) -> {
                    e.getCommandLine().getErr().println("tandem: " + e.getMessage()
                            + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
                    return EXIT_USAGE;
                })
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    Throwable cause = e;
                    if (e instanceof UsageError usage) {
                        cmd.getErr().println("tandem: " + usage.getMessage());
                        return EXIT_USAGE;
                    }
                    cmd.getErr().println("tandem: " + cmd.getCommandName() + " failed: " + rootMessage(cause));
                    if (System.getenv("TANDEM_DEBUG") != null) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return 1;
                });
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // One line: drivers add detail lines (PostgreSQL's "Position: 13") that belong in logs, not here.
        String message = root.getMessage() != null ? root.getMessage().lines().findFirst().orElse("") : root.getClass().getSimpleName();
        return root == t ? message : message + " (" + t.getClass().getSimpleName() + ")";
    }
}
