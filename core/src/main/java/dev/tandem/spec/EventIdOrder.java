package dev.tandem.spec;

import java.util.Comparator;

/**
 * How event ids are ordered where they break a tie on event time ("the larger id wins"). Numeric
 * ids ({@code type: long}) compare as numbers, so {@code 10} beats {@code 9}; text ids compare by
 * their UTF-8 bytes, as DuckDB, PostgreSQL's "C" collation and Flink SQL do (Java's {@link
 * String#compareTo} orders UTF-16 units, which differs for characters beyond the BMP).
 */
public enum EventIdOrder implements Comparator<String> {
    /** Ids are the canonical decimal text of a long (the cleaner writes them so). */
    NUMERIC {
        @Override
        public int compare(String a, String b) {
            return Long.compare(Long.parseLong(a), Long.parseLong(b));
        }
    },
    UTF8_BYTES {
        @Override
        public int compare(String a, String b) {
            int n = Math.min(a.length(), b.length());
            for (int i = 0; i < n; i++) {
                char x = a.charAt(i);
                char y = b.charAt(i);
                if (x != y) {
                    return codePointRank(x) - codePointRank(y);
                }
            }
            return a.length() - b.length();
        }
    };

    /**
     * A UTF-16 unit's rank in code point (= UTF-8 byte) order: surrogates, which encode code points
     * above U+FFFF, rank above every other BMP character, instead of below U+E000..U+FFFF.
     */
    private static int codePointRank(char c) {
        if (c < 0xD800) {
            return c;
        }
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    /** The SQL type of an event id column in the stores: BIGINT for numeric ids, text otherwise. */
    public boolean numeric() {
        return this == NUMERIC;
    }
}
