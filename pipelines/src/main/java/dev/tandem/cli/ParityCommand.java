package dev.tandem.cli;

import dev.tandem.store.OnlineStoreConnections;
import dev.tandem.kafka.TopicNames;
import dev.tandem.kafka.TopicReader;
import dev.tandem.kafka.Topics;
import dev.tandem.parity.OnlineStoreParity;
import dev.tandem.parity.ParityChecker;
import dev.tandem.parity.ParityReport;
import dev.tandem.served.IngestedEvents;
import dev.tandem.served.ServedLogReader;
import dev.tandem.served.ServedParity;
import dev.tandem.spec.CompiledSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "parity", mixinStandardHelpOptions = true,
        description = "Compare two feature outputs event by event; exit 1 on any difference beyond listed late events.")
final class ParityCommand implements Callable<Integer> {
    @Option(names = "--left", required = true, description = "Output directory of one run (e.g. batch).")
    Path left;

    @Option(names = "--right", description = "Output directory of the other run (e.g. streaming).")
    Path right;

    @Option(names = "--online", description = "Compare the online store (PostgreSQL) with the last vector per entity of --left instead.")
    boolean online;

    @Option(names = "--served", paramLabel = "LOG", description = "Compare the feature server's answers (its served-feature log: "
            + "a topic, or a file or directory of its records as JSON lines) with the batch rows of the same events in --left; "
            + "every difference must be explained by an event the answer could not have had.")
    String served;

    @Option(names = "--bootstrap", defaultValue = "${env:TANDEM_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers, for --served (default: TANDEM_KAFKA_BOOTSTRAP, else 127.0.0.1:9092).")
    String bootstrap;

    @Option(names = "--topic-prefix", defaultValue = "", description = "For --served: prefix of the event topic's name, as given to serve.")
    String topicPrefix;

    @Option(names = "--spec", description = "Feature spec of the outputs (for --online and --served). Default: the flagship spec.")
    Path spec;

    @Mixin
    PiiOptions pii;

    @Mixin
    OnlineStoreOptions store;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        if (online) {
            return compareOnline();
        }
        if (served != null) {
            return compareServed();
        }
        if (right == null) {
            throw new UsageError("give --right DIR, --online to compare with the online store, or --served LOG");
        }
        for (Path dir : new Path[] {left, right}) {
            if (!Files.isDirectory(dir.resolve("features"))) {
                throw new UsageError(dir + " is not a features output (no features/ directory)");
            }
        }
        ParityReport report = ParityChecker.compare(left, right);
        out().println("parity: left " + left + " vs right " + right);
        out().print(report.render());
        return report.passed() ? 0 : 1;
    }

    private PrintWriter out() {
        return command.commandLine().getOut();
    }

    private int compareServed() throws Exception {
        CompiledSpec compiled = FeaturesRun.compile(spec);
        if (!Files.isDirectory(left.resolve("features"))) {
            throw new UsageError(left + " is not a features output (no features/ directory)");
        }
        ServedLogReader.ServedLog log = ServedLogReader.read(served, bootstrap);
        String eventsTopic = topicPrefix + Topics.TRANSACTIONS;
        Map<String, List<TopicReader.Entry>> feeds = new LinkedHashMap<>();
        for (CompiledSpec.EventSource feed : compiled.featureSources) {
            String topic = TopicNames.of(feed, eventsTopic);
            feeds.put(topic, TopicReader.readAll(bootstrap, topic));
        }
        IngestedEvents ingested = IngestedEvents.read(compiled, TopicReader.readAll(bootstrap, eventsTopic), feeds, pii.orDevelopmentKey());
        ServedParity.Report report = ServedParity.compare(compiled, log, left, ingested);
        out().println("parity: served answers in " + served + " vs batch rows in " + left + " (events from " + eventsTopic + ")");
        out().print(report.render());
        return report.passed() ? 0 : 1;
    }

    private int compareOnline() throws Exception {
        CompiledSpec compiled = FeaturesRun.compile(spec);
        try (Connection c = OnlineStoreConnections.open(store.jdbcUrl(), store.user, store.password())) {
            boolean passed = true;
            out().println("parity: online store " + store.jdbcUrl() + " vs last vector per entity in " + left);
            for (OnlineStoreParity.GroupResult r : OnlineStoreParity.compare(left, compiled, c)) {
                out().printf("%-10s entities %,d   mismatched %,d   missing online %,d   extra online %,d%n",
                        r.group(), r.entities(), r.mismatched(), r.missingOnline(), r.extraOnline());
                r.examples().forEach(e -> out().println("  " + e));
                if (r.foreignRows() > 0) {
                    out().printf("  %,d %s rows are as of events %s does not hold: the store has rows another run wrote (another data "
                            + "set, or an earlier stream): compare against a store only this stream wrote (a database of its "
                            + "own, --jdbc-url)%n", r.foreignRows(), r.group(), left);
                }
                passed &= r.passed();
            }
            out().println(passed ? "PARITY OK" : "PARITY FAILED");
            return passed ? 0 : 1;
        }
    }
}
