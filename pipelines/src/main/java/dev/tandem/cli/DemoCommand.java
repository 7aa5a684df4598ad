package dev.tandem.cli;

import dev.tandem.parity.DeadLetterLog;
import dev.tandem.generate.Generator;
import dev.tandem.generate.Manifest;
import dev.tandem.job.FeaturesJobOptions;
import dev.tandem.job.RunSummary;
import dev.tandem.job.StreamingJob;
import dev.tandem.job.StreamingJobOptions;
import dev.tandem.job.StreamingStores;
import dev.tandem.kafka.ConsumerLag;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.TopicReader;
import dev.tandem.kafka.Topics;
import dev.tandem.local.LocalKafka;
import dev.tandem.local.LocalPostgres;
import dev.tandem.parity.OnlineStoreParity;
import dev.tandem.parity.OutputFiles;
import dev.tandem.quality.DriftBaseline;
import dev.tandem.quality.DriftStore;
import dev.tandem.quality.QualityPlan;
import dev.tandem.quality.QualityResults;
import dev.tandem.quality.QualityStore;
import dev.tandem.report.QualityReport;
import dev.tandem.scoring.ModelQuality;
import dev.tandem.serve.ModelWatch;
import dev.tandem.served.ServedSample;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import dev.tandem.store.OnlineStoreSchema;
import dev.tandem.store.OnlineStoreStats;
import dev.tandem.training.LabelJoinFunction;
import dev.tandem.training.TrainingSetJob;
import dev.tandem.training.TrainingSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "End to end on real parts: start Kafka and PostgreSQL, generate a dirty history, build the "
                + "training set in batch, stream the history through Kafka into the online store, report, shut down.")
final class DemoCommand implements Callable<Integer> {
    private static final String GROUP = "tandem-demo";
    /**
     * The demo's own topics and database on the servers the commands share: a later {@code stream}
     * or {@code parity --online} never sees the demo's records or rows, nor the demo theirs.
     */
    static final String TOPIC_PREFIX = "demo-";
    static final String DATABASE = "tandem_demo";
    /** Transactions scored through the feature server: the newest of each partition's file. */
    private static final int SERVED_PER_FILE = 500;

    @Option(names = "--dir", defaultValue = ".tandem/demo", description = "Working directory (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--events", defaultValue = "200000", description = "Transactions to generate (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--seed", defaultValue = "7", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rate", defaultValue = "5000", description = "Replay rate into Kafka, events/s (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Local Kafka port (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--postgres-port", defaultValue = "5433", description = "Local PostgreSQL port (default ${DEFAULT-VALUE}).")
    int postgresPort;

    @Mixin
    PiiOptions pii;

    private int step;

    @Override
    public Integer call() throws Exception {
        CompiledSpec spec = SpecCompiler.load(null);
        LocalKafka kafka = ServerCommands.kafka(kafkaPort);
        LocalPostgres postgres = ServerCommands.postgres(postgresPort);
        boolean startedKafka = !kafka.isRunning();
        boolean startedPostgres = !postgres.isRunning();
        try {
            progress("starting Kafka and PostgreSQL on 127.0.0.1");
            kafka.start();
            postgres.start();
            postgres.ensureDatabase(DATABASE);
            // Each demo run starts from empty topics and tables, so its report is about this run only.
            StreamingJobOptions streaming = streamingOptions(kafka, postgres);
            StreamingStores.reset(streaming, spec);
            return run(spec, kafka, postgres, streaming);
        } finally {
            progress("shutting down what the demo started");
            if (startedKafka) {
                kafka.stop();
            }
            if (startedPostgres) {
                postgres.stop();
            }
        }
    }

    private StreamingJobOptions streamingOptions(LocalKafka kafka, LocalPostgres postgres) throws Exception {
        return new StreamingJobOptions(kafka.bootstrapServers(), GROUP, TOPIC_PREFIX + Topics.TRANSACTIONS, TOPIC_PREFIX + Topics.LABELS,
                TOPIC_PREFIX + Topics.FEATURES, TOPIC_PREFIX + Topics.DEAD_LETTERS, TOPIC_PREFIX + Topics.ALERTS,
                TOPIC_PREFIX + Topics.LINEAGE, TOPIC_PREFIX + Topics.ERASURES, false, postgres.jdbcUrl(DATABASE), LocalPostgres.USER,
                postgres.password(), 2,
                Duration.ofSeconds(2), dir.resolve("checkpoints").toAbsolutePath().toUri(), "rocksdb", pii.orDevelopmentKey());
    }

    private int run(CompiledSpec spec, LocalKafka kafka, LocalPostgres postgres, StreamingJobOptions streaming) throws Exception {
        Path history = dir.resolve("history");
        progress(String.format("generating %,d transactions (2%% dirty) into %s", events, history));
        Manifest manifest = new Generator(new Generator.Options(history, events, seed, 0.02, Generator.DEFAULT_START, null,
                Topics.DEFAULT_INPUT_PARTITIONS), spec).run();

        progress("batch: per-event features (offline store) over the history");
        RunSummary batch = FeaturesRun.run("batch", history, dir.resolve("batch"), null, 2, "rocksdb", 2000, false, null, null,
                pii.orDevelopmentKey(), null);

        progress("batch: training set (features as of each event + chargeback label within 30 days)");
        // Taken once every transaction is old enough for its label to be known.
        Instant snapshot = Instant.parse(manifest.end()).plusMillis(spec.labels.maturityMillis());
        FeaturesJobOptions trainingOptions = new FeaturesJobOptions("batch", history, dir.resolve("training").toAbsolutePath(),
                null, 2, pii.orDevelopmentKey(), "rocksdb", 0);
        OutputFiles.deleteRecursively(dir.resolve("training"));
        long t0 = System.nanoTime();
        JobExecutionResult training = TrainingSetJob.run(trainingOptions, spec, snapshot.toEpochMilli());
        TrainingSummary trainingSummary = TrainingSummary.read(dir.resolve("training"),
                training.<Long>getAccumulatorResult(LabelJoinFunction.IMMATURE),
                training.<Long>getAccumulatorResult(LabelJoinFunction.UNMATCHED_LABELS), snapshot.toString(), (System.nanoTime() - t0) / 1e9);

        // The training set's distribution: the streaming job scores each window's drift against it.
        DriftBaseline baseline = DriftBaseline.fromRows(QualityPlan.load(spec), OnlineStoreSchema.featureSetVersion(spec),
                OutputFiles.list(dir.resolve("training").resolve(TrainingSetJob.TRAINING_DIR), ".parquet"), "demo training set");
        baseline.writeTo(dir.resolve("training").resolve(DriftBaseline.FILE));

        progress("models: two XGBoost models trained in Python on the training set (CSV), registered; v1 primary, v2 in shadow");
        CompiledSpec scored = DemoModels.scoredSpec(dir);
        try (Connection c = postgres.connect(DATABASE)) {
            DemoModels.trainAndRegister(ServerCommands.home(), dir.resolve("training"), scored, c).forEach(line -> System.out.println("    " + line));
        }

        progress(String.format("streaming: job started (scoring with the registry's models); replaying the history into Kafka at %,.0f events/s",
                rate));
        JobClient job = StreamingJob.start(streaming, scored, baseline);
        long sent = new HistoryReplayer(kafka.bootstrapServers(), rate).replayPartitions(Generator.transactionFiles(history), streaming.transactionsTopic());
        new HistoryReplayer(kafka.bootstrapServers(), 0).replay(history.resolve(Generator.LABELS_FILE), streaming.labelsTopic());
        progress(String.format("streaming: %,d transactions replayed; waiting for the job to read them all", sent));
        ConsumerLag.awaitCaughtUp(kafka.bootstrapServers(), GROUP, streaming.transactionsTopic(), Duration.ofMinutes(10));
        Instant drainStart = Instant.now();
        progress("streaming: stop with savepoint, draining the event-time tail");
        job.stopWithSavepoint(true, dir.resolve("savepoints").toAbsolutePath().toUri().toString(), SavepointFormatType.CANONICAL).get();

        progress("serving: a feature server on the topic; the newest transactions scored through it, its answers vs the batch rows");
        ServedSample.Result serving = ServedSample.run(scored, kafka.bootstrapServers(), TOPIC_PREFIX, pii.orDevelopmentKey(),
                Generator.transactionFiles(history), SERVED_PER_FILE, dir.resolve("batch"),
                new ModelWatch.Registry(postgres.jdbcUrl(DATABASE), LocalPostgres.USER, postgres.password()));

        progress("report");
        return report(spec, scored, kafka, postgres, manifest, batch, trainingSummary, drainStart, serving);
    }

    private int report(CompiledSpec spec, CompiledSpec scored, LocalKafka kafka, LocalPostgres postgres, Manifest manifest, RunSummary batch,
            TrainingSummary training, Instant drainStart, ServedSample.Result serving) throws Exception {
        Map<String, Long> streamedDeadLetters = DeadLetterLog.countsOnTopic(kafka.bootstrapServers(), TOPIC_PREFIX + Topics.DEAD_LETTERS);
        long vectors = TopicReader.readCommitted(kafka.bootstrapServers(), TOPIC_PREFIX + Topics.FEATURES).size();
        boolean ok = true;
        System.out.println();
        System.out.println("=== Tandem demo report ===");
        System.out.printf("events in            %,d lines (%,d transactions)%n", manifest.transactionLines(), manifest.events());
        System.out.printf("dead letters         %s%n", streamedDeadLetters);
        boolean deadLettersOk = streamedDeadLetters.equals(manifest.expectedDeadLetters());
        System.out.printf("                     %s the generator's manifest%n", deadLettersOk ? "equal to" : "DIFFERENT FROM");
        ok &= deadLettersOk;
        System.out.printf("feature vectors      %,d on the exactly-once topic (expected %,d)%n", vectors, manifest.expectedValid());
        ok &= vectors == manifest.expectedValid();
        System.out.printf("training set         %,d rows, label rate %.3f%%, %,d daily partitions, %,d too young left out (snapshot %s)%n",
                training.rows(), 100 * training.labelRate(), training.partitions(), training.immature(), training.snapshot());
        ok &= training.rows() + training.immature() == manifest.expectedValid();
        List<String> models;
        try (Connection c = postgres.connect(DATABASE)) {
            for (CompiledSpec.EntityGroup g : spec.entities) {
                System.out.printf("online store         %,d %s rows%n", OnlineStoreStats.rows(c, spec, g), g.name());
            }
            List<OnlineStoreParity.GroupResult> onlineParity = OnlineStoreParity.compare(dir.resolve("batch"), spec, c);
            for (OnlineStoreParity.GroupResult r : onlineParity) {
                System.out.printf("parity (%-8s)     streaming online store vs batch: %,d entities, %,d mismatched, %,d missing, %,d extra%n",
                        r.group(), r.entities(), r.mismatched(), r.missingOnline(), r.extraOnline());
                ok &= r.passed();
            }
            // Rows written by the final drain waited for events that never came; they say nothing about freshness.
            OnlineStoreStats.Freshness f = OnlineStoreStats.freshness(c, spec, drainStart);
            System.out.printf("freshness            Kafka append -> PostgreSQL commit: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n"
                    + "                     (%,d rows written while streaming; includes waiting for the %d min watermark bound in event time)%n",
                    f.p50Millis(), f.p99Millis(), f.maxMillis(), f.rows(), spec.maxOutOfOrdernessMillis / 60_000);
            models = DemoModels.evaluate(kafka.bootstrapServers(), TOPIC_PREFIX, dir.resolve("training"), scored, c);
            ok &= qualityReport(spec, c, onlineParity);
        }
        System.out.print(serving.render());
        ok &= serving.passed();
        for (int i = 0; i < models.size(); i++) {
            System.out.printf("%-21s%s%n", i == 0 ? "models" : "", models.get(i));
        }
        ok &= models.size() == 3;
        System.out.println(ok ? "RESULT: OK" : "RESULT: FAILED");
        return ok ? 0 : 1;
    }

    /** The streaming job's quality windows must equal the batch run's; the page shows them with drift and parity. */
    private boolean qualityReport(CompiledSpec spec, Connection c, List<OnlineStoreParity.GroupResult> onlineParity) throws Exception {
        String version = OnlineStoreSchema.featureSetVersion(spec);
        QualityResults streamed = QualityStore.read(c, version);
        QualityResults batch = QualityResults.fromFiles(dir.resolve("batch"));
        boolean same = streamed.windows().equals(batch.windows());
        long driftAlerts = streamed.drift().stream().filter(d -> d.alert).count();
        System.out.printf("quality              %,d hourly windows, %,d expectation breaches, %,d drift scores (%,d alerts);%n"
                + "                     streaming windows %s the batch run's%n", streamed.windows().size(),
                streamed.alerts().size() - driftAlerts, streamed.drift().size(), driftAlerts, same ? "equal to" : "DIFFERENT FROM");
        Map<String, Long> counts = new LinkedHashMap<>();
        boolean passed = true;
        for (OnlineStoreParity.GroupResult r : onlineParity) {
            counts.put(r.group() + " entities", r.entities());
            counts.put(r.group() + " mismatched", r.mismatched());
            counts.put(r.group() + " missing online", r.missingOnline());
            counts.put(r.group() + " extra online", r.extraOnline());
            passed &= r.passed();
        }
        Path html = dir.resolve("report.html");
        Files.writeString(html, QualityReport.render(version, "streaming job (PostgreSQL quality tables)", QualityPlan.load(spec),
                streamed, new QualityReport.Parity("streaming online store vs batch", passed, counts),
                DriftStore.summarize(streamed.drift()), ModelQuality.read(c)));
        System.out.printf("report               %s%n", html.toAbsolutePath());
        return same;
    }

    private void progress(String message) {
        System.out.printf("[%d] %s%n", ++step, message);
    }
}
