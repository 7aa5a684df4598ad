package dev.tandem.kafka;

import dev.tandem.spec.CompiledSpec;

/** How a run names its topics: one prefix ({@code --topic-prefix}) shared by all, then each topic's own name. */
public final class TopicNames {
    /** The own name of the topic of the spec's source. */
    public static final String EVENTS = "transactions";

    private TopicNames() {}

    /** The topic of feature source {@code source} in the run whose events topic is {@code eventsTopic}: its prefix, then {@code topic:}. */
    public static String of(CompiledSpec.EventSource source, String eventsTopic) {
        String prefix = eventsTopic.endsWith(EVENTS) ? eventsTopic.substring(0, eventsTopic.length() - EVENTS.length()) : "";
        return prefix + source.topic();
    }
}
