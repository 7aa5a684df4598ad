-- The feature language in Flink SQL: the flagship's filtered counts (`where`), its p90 merchant
-- ticket (`percentile`) and its on-demand ratios, per transaction, equal value for value to the
-- rows `./tandem features` writes for the same events (SqlFeatureLanguageITCase compares them).
-- Run: ./tandem sql --mode streaming -f sql/pipelines/feature_language.sql  (OUTPUT_DIR = --offline)
--
-- How the spec's semantics carry over:
--  * "As of T" reads events with T - d <= t' < T. A RANGE frame holds T - d <= t' <= T: the current
--    row and its peers (every row at the same instant) are in it. The ASOF_* aggregates (udfs/)
--    take the frame's order column and leave the rows at the newest instant out: exact, and
--    incremental (O(1) per row; ASOF_PERCENTILE O(log n), an order-statistic tree).
--  * `where` is the aggregate's condition, ASOF_COUNT(event_time, status = 'declined'): SQL's
--    NULL logic is the spec's (a comparison with NULL is not true, so the event does not count).
--  * `percentile` is nearest rank, as ASOF_PERCENTILE computes it (Flink's PERCENTILE
--    interpolates, and reads the current row).
--  * `on_demand` expressions are SQL over the row's own values and features; SAFE_RATIO writes
--    NULL where Tandem writes NaN.
--
-- What Flink SQL cannot express exactly, and why:
--  * `last: N`: a ROWS frame ends at the current row, and orders the rows of one instant by
--    arrival, not by event id, so "the N newest events before T" is no ROWS frame once T has peers.
--  * `window: lifetime`: OVER state forgets by processing time (idle state retention), never after
--    an entity's event-time silence (state_ttl), so "since the last 30-day silence" has no frame.
--  * `feature_sources`: a UNION ALL of the streams gives the values, but under one watermark: no
--    lateness per source, and no idle source that follows the rows (late_idle).
--  * Lateness: the DataStream jobs refuse events further than max_out_of_orderness behind their
--    partition (dead letter `late`); this view keeps them (a watermark a day behind), so the two
--    agree on histories without late records.
--  * Batch runtime mode: Flink 2.3 cannot run a RANGE frame over a time column in batch (over a
--    TIMESTAMP_LTZ: "Unsupported temporal arithmetic"; over a TIMESTAMP the generated bound
--    comparator does not compile), so this script runs in streaming mode, over files (bounded: it
--    ends) or Kafka. The ASOF_* aggregates also take epoch milliseconds, for batch frames ordered
--    by a BIGINT.
-- Flink computes all aggregates of one SELECT over one window: one INSERT per (entity, length).

CREATE TABLE sql_card_24h (
  event_id                STRING,
  event_time              BIGINT,
  card_id                 STRING,
  card_txn_count_24h      BIGINT,
  card_cnp_count_24h      BIGINT,
  card_declined_count_24h BIGINT,
  card_declined_share_24h DOUBLE
) WITH ('connector' = 'filesystem', 'path' = '${OFFLINE_DIR}/sql_card_24h/features', 'format' = 'parquet');

CREATE TABLE sql_card_7d (
  event_id                  STRING,
  event_time                BIGINT,
  card_id                   STRING,
  card_amount_avg_7d        DOUBLE,
  txn_amount_vs_card_avg_7d DOUBLE
) WITH ('connector' = 'filesystem', 'path' = '${OFFLINE_DIR}/sql_card_7d/features', 'format' = 'parquet');

CREATE TABLE sql_merchant_24h (
  event_id                STRING,
  event_time              BIGINT,
  merchant_id             STRING,
  merchant_amount_p90_24h DOUBLE
) WITH ('connector' = 'filesystem', 'path' = '${OFFLINE_DIR}/sql_merchant_24h/features', 'format' = 'parquet');

EXECUTE STATEMENT SET
BEGIN

INSERT INTO sql_card_24h
SELECT event_id, event_time, card_id, card_txn_count_24h, card_cnp_count_24h, card_declined_count_24h,
       SAFE_RATIO(CAST(card_declined_count_24h AS DOUBLE), CAST(card_txn_count_24h AS DOUBLE))
FROM (
  SELECT
    txn_id                                                AS event_id,
    EPOCH_MILLIS(event_time)                              AS event_time,
    card_id,
    ASOF_COUNT(event_time, TRUE) OVER w                   AS card_txn_count_24h,
    ASOF_COUNT(event_time, channel = 'online') OVER w     AS card_cnp_count_24h,
    ASOF_COUNT(event_time, status = 'declined') OVER w    AS card_declined_count_24h
  FROM unique_transactions_timed
  WINDOW w AS (PARTITION BY card_id ORDER BY event_time RANGE BETWEEN INTERVAL '1' DAY PRECEDING AND CURRENT ROW)
);

INSERT INTO sql_card_7d
SELECT event_id, event_time, card_id, card_amount_avg_7d, SAFE_RATIO(amount_usd, card_amount_avg_7d)
FROM (
  SELECT
    txn_id                                AS event_id,
    EPOCH_MILLIS(event_time)              AS event_time,
    card_id,
    amount_usd,
    ASOF_AVG(event_time, amount_usd) OVER w AS card_amount_avg_7d
  FROM unique_transactions_timed
  WINDOW w AS (PARTITION BY card_id ORDER BY event_time RANGE BETWEEN INTERVAL '7' DAY PRECEDING AND CURRENT ROW)
);

INSERT INTO sql_merchant_24h
SELECT
  txn_id                                           AS event_id,
  EPOCH_MILLIS(event_time)                         AS event_time,
  merchant_id,
  ASOF_PERCENTILE(event_time, amount_usd, 0.9) OVER w AS merchant_amount_p90_24h
FROM unique_transactions_timed
WINDOW w AS (PARTITION BY merchant_id ORDER BY event_time RANGE BETWEEN INTERVAL '1' DAY PRECEDING AND CURRENT ROW);

END;
