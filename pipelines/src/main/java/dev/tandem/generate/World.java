package dev.tandem.generate;

import dev.tandem.udfs.logic.CardNumbers;
import java.util.SplittableRandom;

/** The fixed cast of a generated history: cards with home locations, merchants with categories. */
final class World {

    record City(String name, String country, String currency, double lat, double lon) {}

    record Card(String number, String email, City home, double spendScale) {}

    record Merchant(String id, String category, City city, boolean online, double amountMu, double amountSigma) {}

    static final City[] CITIES = {
        new City("Paris", "FR", "EUR", 48.8566, 2.3522),
        new City("Berlin", "DE", "EUR", 52.5200, 13.4050),
        new City("Madrid", "ES", "EUR", 40.4168, -3.7038),
        new City("London", "GB", "GBP", 51.5074, -0.1278),
        new City("New York", "US", "USD", 40.7128, -74.0060),
        new City("Chicago", "US", "USD", 41.8781, -87.6298),
        new City("Toronto", "CA", "CAD", 43.6532, -79.3832),
        new City("Tokyo", "JP", "JPY", 35.6762, 139.6503),
        new City("Sydney", "AU", "AUD", -33.8688, 151.2093),
        new City("Zurich", "CH", "CHF", 47.3769, 8.5417),
    };

    /** Category, log-normal mu and sigma of the amount in USD, share of merchants that are online. */
    private static final Object[][] CATEGORIES = {
        {"grocery", 3.3, 0.6, 0.1},
        {"restaurant", 3.4, 0.5, 0.05},
        {"fuel", 3.8, 0.3, 0.0},
        {"electronics", 5.0, 0.9, 0.6},
        {"travel", 5.8, 0.8, 0.7},
        {"fashion", 4.2, 0.7, 0.5},
        {"digital_goods", 2.3, 0.8, 1.0},
        {"pharmacy", 3.0, 0.6, 0.2},
    };

    final Card[] cards;
    final Merchant[] merchants;
    /** Merchant indexes by city, for local shopping. */
    final int[][] merchantsByCity;
    final int[] onlineMerchants;

    World(SplittableRandom random, int cardCount, int merchantCount) {
        merchants = new Merchant[merchantCount];
        int[] perCity = new int[CITIES.length];
        int online = 0;
        for (int i = 0; i < merchantCount; i++) {
            Object[] category = CATEGORIES[random.nextInt(CATEGORIES.length)];
            City city = CITIES[i % CITIES.length];
            boolean isOnline = random.nextDouble() < (double) category[3];
            merchants[i] = new Merchant(String.format("m%06d", i), (String) category[0], city, isOnline,
                    (double) category[1], (double) category[2]);
            perCity[i % CITIES.length]++;
            online += isOnline ? 1 : 0;
        }
        merchantsByCity = new int[CITIES.length][];
        for (int c = 0; c < CITIES.length; c++) {
            merchantsByCity[c] = new int[perCity[c]];
        }
        int[] filled = new int[CITIES.length];
        onlineMerchants = new int[Math.max(online, 1)];
        int o = 0;
        for (int i = 0; i < merchantCount; i++) {
            int c = i % CITIES.length;
            merchantsByCity[c][filled[c]++] = i;
            if (merchants[i].online()) {
                onlineMerchants[o++] = i;
            }
        }
        cards = new Card[cardCount];
        for (int i = 0; i < cardCount; i++) {
            City home = CITIES[random.nextInt(CITIES.length)];
            cards[i] = new Card(cardNumber(random), "holder" + i + "@example.com", home, Math.exp(random.nextGaussian() * 0.4));
        }
    }

    static int cityIndex(City city) {
        for (int i = 0; i < CITIES.length; i++) {
            if (CITIES[i] == city) {
                return i;
            }
        }
        throw new IllegalArgumentException(city.name());
    }

    /** A 16-digit number with a Visa or Mastercard prefix that passes the Luhn check. */
    static String cardNumber(SplittableRandom random) {
        StringBuilder payload = new StringBuilder(random.nextBoolean() ? "4" : "5" + (1 + random.nextInt(5)));
        while (payload.length() < 15) {
            payload.append((char) ('0' + random.nextInt(10)));
        }
        return payload.toString() + CardNumbers.luhnCheckDigit(payload.toString());
    }
}
