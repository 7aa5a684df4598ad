package dev.tandem.cli;

import dev.tandem.bootstrap.SavepointMigration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "migrate-savepoint", mixinStandardHelpOptions = true,
        description = "Move a savepoint of the streaming job from before its entity groups formed a chain (a job with an "
                + "assemble-vector operator, 2026-12) into today's graph (a Flink batch job, State Processor API); then start "
                + "the job with stream --from-savepoint on the new one. Every other operator's state is kept as it is.")
final class MigrateSavepointCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "The earlier job's savepoint.")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "Where the migrated savepoint is written (a new directory).")
    Path to;

    @Option(names = "--spec", description = "The job's feature spec (YAML). Default: the flagship card-fraud spec.")
    Path spec;

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism of the migration job (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(from.resolve("_metadata"))) {
            throw new UsageError("--from " + from + " is not a savepoint (no _metadata in it)");
        }
        if (Files.exists(to)) {
            throw new UsageError("--to " + to + " exists: give a new directory");
        }
        SavepointMigration.Result result = SavepointMigration.run(FeaturesRun.compile(spec), from.toAbsolutePath(), to.toAbsolutePath(),
                parallelism);
        command.commandLine().getOut().printf("migrated savepoint written to %s: pending events kept %s (%d carrying parts other groups had computed), "
                + "let go to come from the stage before %s%n", to, result.pendingKept(), result.partsCarried(), result.pendingLetGo());
        return 0;
    }
}
