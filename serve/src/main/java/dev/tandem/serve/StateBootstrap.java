package dev.tandem.serve;

/**
 * Where the serving state starts when the event topic alone cannot hold it: events loaded before
 * the topic is read (a history whose older part the topic's retention no longer has). The feed
 * calls it after the erasures and before the first event record, so erased entities stay out and
 * the topic's overlap with the history is dropped by id, as any duplicate is.
 */
@FunctionalInterface
public interface StateBootstrap {
    /** Applies the bootstrap's events to {@code state}, each under the name of the topic partition it stands for. */
    void load(ServingState state, String topic) throws Exception;
}
