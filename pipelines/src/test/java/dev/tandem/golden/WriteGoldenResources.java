package dev.tandem.golden;

import dev.tandem.job.FeatureRuns;
import dev.tandem.local.LocalKafka;
import dev.tandem.local.LocalPostgres;
import dev.tandem.local.LocalServers;
import dev.tandem.parity.OutputFiles;
import dev.tandem.spec.CompiledSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the golden resources from the job as it is now: the vectors of the golden history, and a
 * savepoint of the streaming job (on a Kafka broker and a PostgreSQL server of its own, started and
 * stopped here). Run it only when a change of values or of state is intended and understood (say
 * why in the commit); otherwise the golden files are the reference. From the repository's root,
 * after {@code ./tandem test} or a build:
 *
 * <pre>java -cp pipelines/target/test-classes:$(cat pipelines/target/tandem.classpath) \
 *     dev.tandem.golden.WriteGoldenResources pipelines/src/test/resources</pre>
 */
public final class WriteGoldenResources {
    private WriteGoldenResources() {}

    public static void main(String[] args) throws Exception {
        Path resources = Path.of(args.length > 0 ? args[0] : "pipelines/src/test/resources");
        // Under target/ rather than /tmp: PostgreSQL runs as its own user and must reach its directory.
        Path work = Path.of("pipelines/target/golden-work").toAbsolutePath();
        OutputFiles.deleteRecursively(work);
        Files.createDirectories(work);
        CompiledSpec spec = GoldenVectors.spec();
        Path history = work.resolve("history");
        GoldenVectors.generateHistory(history, spec);
        FeatureRuns.run("batch", history, work.resolve("batch"), spec);
        GoldenVectors.write(work.resolve("batch"), history, resources);
        System.out.println("golden vectors written under " + resources.resolve("golden"));

        LocalKafka kafka = new LocalKafka(work.resolve("kafka"), LocalServers.freePortPair(), Path.of("deploy/local/target/kafka.classpath"));
        LocalPostgres postgres = new LocalPostgres(work.resolve("postgres"), LocalServers.freePortPair());
        try {
            kafka.start();
            postgres.start();
            GoldenSavepoint.write(spec, history, GoldenSavepoint.options(kafka.bootstrapServers(), postgres.jdbcUrl(), postgres.password(),
                    work.resolve("checkpoints").toUri()), work, resources);
            System.out.println("golden savepoint written under " + resources.resolve("golden"));
        } finally {
            kafka.stop();
            postgres.stop();
        }
    }
}
