-- A training set in SQL, without leakage: each clean transaction (once) gets
--   * its merchant's volume in the last hour that closed before it (TUMBLE), and
--   * its card's spend earlier the same day, up to that hour (CUMULATE),
-- joined with interval joins whose bounds put the window's end at or before the event, and its
-- label if a chargeback became known within 30 days. Interval (outer) joins stay append-only in
-- streaming and run in batch, so both modes write the same rows (a regular LEFT JOIN would
-- retract in streaming, which a file sink cannot take).
-- Run: ./tandem sql --mode batch|streaming -f sql/pipelines/training_set.sql  (output in --offline)

CREATE TABLE training_sql (
  event_id                STRING,
  event_time              BIGINT,
  merchant_id             STRING,
  card_id                 STRING,
  amount_usd              DOUBLE,
  merchant_prev_hour_txns BIGINT,
  card_spend_today_before DOUBLE,
  label                   INT
) WITH ('connector' = 'filesystem', 'path' = '${OFFLINE_DIR}/training_sql/features', 'format' = 'parquet');

CREATE TEMPORARY VIEW merchant_hours AS
SELECT merchant_id, window_start, window_end, window_time, COUNT(*) AS txns
FROM TABLE(TUMBLE(TABLE unique_transactions_timed, DESCRIPTOR(event_time), INTERVAL '1' HOUR))
GROUP BY merchant_id, window_start, window_end, window_time;

CREATE TEMPORARY VIEW card_days AS
SELECT card_id, window_start, window_end, window_time, SUM(amount_usd) AS spend
FROM TABLE(CUMULATE(TABLE unique_transactions_timed, DESCRIPTOR(event_time), INTERVAL '1' HOUR, INTERVAL '1' DAY))
GROUP BY card_id, window_start, window_end, window_time;

-- window_time is the window's end minus 1 ms: "event_time > window_time" means the window closed
-- at or before the event, so the event and everything after it are outside.
CREATE TEMPORARY VIEW with_windows AS
SELECT t.txn_id, t.event_time, t.merchant_id, t.card_id, t.amount_usd,
       COALESCE(m.txns, 0)   AS merchant_prev_hour_txns,
       COALESCE(c.spend, 0.0) AS card_spend_today_before
FROM unique_transactions_timed AS t
LEFT JOIN merchant_hours AS m
  ON  m.merchant_id = t.merchant_id
  AND t.event_time > m.window_time AND t.event_time <= m.window_time + INTERVAL '1' HOUR
LEFT JOIN card_days AS c
  ON  c.card_id = t.card_id
  AND c.window_start = FLOOR(t.event_time TO DAY)
  AND t.event_time > c.window_time AND t.event_time <= c.window_time + INTERVAL '1' HOUR;

INSERT INTO training_sql
SELECT
  w.txn_id,
  1000 * UNIX_TIMESTAMP(CAST(w.event_time AS STRING)) + EXTRACT(MILLISECOND FROM w.event_time),
  w.merchant_id,
  w.card_id,
  w.amount_usd,
  w.merchant_prev_hour_txns,
  w.card_spend_today_before,
  CASE WHEN l.txn_id IS NULL THEN 0 ELSE 1 END
FROM with_windows AS w
LEFT JOIN labels_timed AS l
  ON  l.txn_id = w.txn_id
  AND l.known_at >= w.event_time AND l.known_at <= w.event_time + INTERVAL '30' DAY;
