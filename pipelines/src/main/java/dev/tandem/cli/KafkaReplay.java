package dev.tandem.cli;

import dev.tandem.generate.Generator;
import dev.tandem.kafka.HistoryReplayer;
import dev.tandem.kafka.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Replays a generated history into Kafka: each transactions file into its partition, then labels. */
final class KafkaReplay {
    private KafkaReplay() {}

    static void replay(Path history, String bootstrap, double rate) throws Exception {
        List<Path> files = Generator.transactionFiles(history);
        Topics.ensure(bootstrap, Map.of(Topics.TRANSACTIONS, Math.max(files.size(), Topics.DEFAULT_INPUT_PARTITIONS), Topics.LABELS, 1));
        HistoryReplayer replayer = new HistoryReplayer(bootstrap, rate);
        long t0 = System.nanoTime();
        long transactions = replayer.replayPartitions(files, Topics.TRANSACTIONS);
        long labels = replayer.replay(history.resolve(Generator.LABELS_FILE), Topics.LABELS);
        System.out.printf("replayed %,d transactions and %,d labels into Kafka at %s in %.1f s%n",
                transactions, labels, bootstrap, (System.nanoTime() - t0) / 1e9);
    }
}
