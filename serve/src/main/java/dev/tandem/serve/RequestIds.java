package dev.tandem.serve;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids unique across replicas and restarts without a secure random draw per request (a
 * {@code UUID.randomUUID()} each): 64 random bits drawn once per server, then a counter.
 */
final class RequestIds {
    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    RequestIds() {
        this.prefix = String.format("%016x-", new SecureRandom().nextLong());
    }

    String next() {
        return prefix + Long.toHexString(counter.incrementAndGet());
    }
}
