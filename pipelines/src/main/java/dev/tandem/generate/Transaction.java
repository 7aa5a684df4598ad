package dev.tandem.generate;

/** One clean generated transaction, before it is written (and perhaps made dirty). */
record Transaction(long time, int card, int merchant, double amountUsd, double lat, double lon, String fraudPattern) {

    boolean fraud() {
        return fraudPattern != null;
    }
}
