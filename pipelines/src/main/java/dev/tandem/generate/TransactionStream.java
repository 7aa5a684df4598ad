package dev.tandem.generate;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Clean transactions in time order: a Poisson stream with daily seasonality, log-normal amounts,
 * local shopping with some online, and two fraud patterns scheduled into it — card-testing bursts
 * of tiny online amounts, and account takeover with a geo jump and large amounts. Memory is bounded
 * by the fraud episodes in flight, not by the length of the history.
 */
final class TransactionStream {
    /** Relative traffic by hour of day (UTC), quiet at night and busy at lunch and evening. */
    private static final double[] HOURLY = {
        0.25, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 0.9, 1.1, 1.2, 1.3, 1.5,
        1.7, 1.6, 1.4, 1.3, 1.4, 1.6, 1.8, 1.7, 1.4, 1.0, 0.7, 0.4};
    private static final double CARD_TESTING_PER_EVENT = 0.0004;
    private static final double TAKEOVER_PER_EVENT = 0.0002;

    private final SplittableRandom random;
    private final World world;
    private final double eventsPerMilli;
    private final PriorityQueue<Transaction> scheduled =
            new PriorityQueue<>((a, b) -> Long.compare(a.time(), b.time()));
    private long clock;

    TransactionStream(SplittableRandom random, World world, long start, double eventsPerDay) {
        this.random = random;
        this.world = world;
        this.clock = start;
        this.eventsPerMilli = eventsPerDay / 86_400_000.0;
    }

    Transaction next() {
        long nextOrganic = clock + interArrival();
        if (!scheduled.isEmpty() && scheduled.peek().time() <= nextOrganic) {
            Transaction fraud = scheduled.poll();
            clock = Math.max(clock, fraud.time()); // keeps the clean stream in time order
            return fraud;
        }
        clock = nextOrganic;
        maybeStartFraud();
        return organic(clock);
    }

    private long interArrival() {
        int hour = (int) ((clock / 3_600_000L) % 24);
        double rate = eventsPerMilli * HOURLY[hour];
        return 1 + (long) (-Math.log(1 - random.nextDouble()) / rate);
    }

    private Transaction organic(long time) {
        int card = (int) (world.cards.length * Math.pow(random.nextDouble(), 1.3));
        World.Card holder = world.cards[card];
        int merchant;
        if (random.nextDouble() < 0.15) {
            merchant = world.onlineMerchants[random.nextInt(world.onlineMerchants.length)];
        } else {
            int[] local = world.merchantsByCity[World.cityIndex(holder.home())];
            merchant = local[random.nextInt(local.length)];
        }
        World.Merchant m = world.merchants[merchant];
        double amount = Math.exp(m.amountMu() + m.amountSigma() * random.nextGaussian()) * holder.spendScale();
        World.City where = m.online() ? holder.home() : m.city();
        return new Transaction(time, card, merchant, amount, jitter(where.lat()), jitter(where.lon()), null);
    }

    private void maybeStartFraud() {
        double u = random.nextDouble();
        if (u < CARD_TESTING_PER_EVENT) {
            int card = random.nextInt(world.cards.length);
            long t = clock;
            int tries = 5 + random.nextInt(11);
            for (int i = 0; i < tries; i++) {
                t += 1_000 + (long) (-Math.log(1 - random.nextDouble()) * 30_000);
                int merchant = world.onlineMerchants[random.nextInt(world.onlineMerchants.length)];
                World.City home = world.cards[card].home();
                scheduled.add(new Transaction(t, card, merchant, 0.5 + random.nextDouble() * 1.5,
                        jitter(home.lat()), jitter(home.lon()), "card_testing"));
            }
        } else if (u < CARD_TESTING_PER_EVENT + TAKEOVER_PER_EVENT) {
            int card = random.nextInt(world.cards.length);
            World.City home = world.cards[card].home();
            World.City far;
            do {
                far = World.CITIES[random.nextInt(World.CITIES.length)];
            } while (far == home);
            int[] there = world.merchantsByCity[World.cityIndex(far)];
            long t = clock;
            int spree = 2 + random.nextInt(3);
            for (int i = 0; i < spree; i++) {
                t += 60_000 + (long) (random.nextDouble() * 1_200_000);
                scheduled.add(new Transaction(t, card, there[random.nextInt(there.length)],
                        Math.exp(6.5 + 0.5 * random.nextGaussian()), jitter(far.lat()), jitter(far.lon()), "account_takeover"));
            }
        }
    }

    private double jitter(double degrees) {
        return Math.round((degrees + (random.nextDouble() - 0.5) * 0.1) * 10_000) / 10_000.0;
    }
}
