package dev.tandem.served;

import dev.tandem.erasure.ErasureTopic;
import dev.tandem.kafka.KafkaClientProperties;
import dev.tandem.kafka.Topics;
import dev.tandem.serve.FeatureServer;
import dev.tandem.serve.ModelWatch;
import dev.tandem.serve.HttpApi;
import dev.tandem.serve.ServeTokens;
import dev.tandem.serve.StateBootstrap;
import dev.tandem.spec.CompiledSpec;
import dev.tandem.store.OnlineStoreSchema;
import java.util.Map;

/** Starts a feature server on the pipeline's topics (as {@code ./tandem serve}, the demo and the benchmark do). */
public final class ServingSetup {
    /** The served-feature log's topic, after the prefix. */
    public static final String SERVED_LOG = "served-features";

    private ServingSetup() {}

    public static FeatureServer start(CompiledSpec spec, String bootstrap, String topicPrefix, String servedLog, String piiSecret,
            ServeTokens tokens, String host, int port) throws Exception {
        return start(spec, bootstrap, topicPrefix, servedLog, piiSecret, tokens, host, port, spec.maxOutOfOrdernessMillis, null);
    }

    /**
     * With {@code lookbackMillis} of events kept beyond each window (see {@code ServingState}), and
     * the state started from {@code history} (null: from the topic alone).
     */
    public static FeatureServer start(CompiledSpec spec, String bootstrap, String topicPrefix, String servedLog, String piiSecret,
            ServeTokens tokens, String host, int port, long lookbackMillis, StateBootstrap history) throws Exception {
        return start(spec, bootstrap, topicPrefix, servedLog, piiSecret, tokens, host, port, lookbackMillis, history, null);
    }

    /** The same, following the model registry in {@code registry} (needed when the spec scores models). */
    public static FeatureServer start(CompiledSpec spec, String bootstrap, String topicPrefix, String servedLog, String piiSecret,
            ServeTokens tokens, String host, int port, long lookbackMillis, StateBootstrap history, ModelWatch.Registry registry)
            throws Exception {
        // The server may start before the job or the first producer: the topics it reads must exist.
        Map<String, Integer> topics = new java.util.HashMap<>(Map.of(topicPrefix + Topics.TRANSACTIONS, Topics.DEFAULT_INPUT_PARTITIONS,
                topicPrefix + servedLog, Topics.DEFAULT_INPUT_PARTITIONS));
        for (CompiledSpec.EventSource feed : spec.featureSources) {
            topics.put(dev.tandem.kafka.TopicNames.of(feed, topicPrefix + Topics.TRANSACTIONS), Topics.DEFAULT_INPUT_PARTITIONS);
        }
        Topics.ensure(bootstrap, topics);
        ErasureTopic.ensure(bootstrap, topicPrefix + Topics.ERASURES);
        return FeatureServer.start(new FeatureServer.Config(spec, OnlineStoreSchema.featureSetVersion(spec),
                KafkaClientProperties.forBootstrap(bootstrap), topicPrefix + Topics.TRANSACTIONS, topicPrefix + Topics.ERASURES,
                topicPrefix + servedLog, piiSecret, tokens, host, port, HttpApi.Limits.defaults(), lookbackMillis, history, registry));
    }
}
