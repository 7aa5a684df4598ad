-- Window features in SQL, identical in batch and streaming (window TVFs run in both modes):
--   merchant volume per hour (TUMBLE), card spend so far today (CUMULATE, hourly steps), and
--   card activity over the last hour, every 10 minutes (HOP).
-- Each output has an event_id (entity @ window end) and event_time (window end, epoch millis) so
-- `./tandem parity` compares a batch run with a streaming run row by row.
-- Run: ./tandem sql --mode batch|streaming -f sql/pipelines/window_features.sql  (OUTPUT_DIR = --offline)

CREATE TABLE merchant_hourly (
  event_id    STRING,
  event_time  BIGINT,
  merchant_id STRING,
  txn_count   BIGINT,
  amount_usd  DOUBLE
) WITH ('connector' = 'filesystem', 'path' = '${OFFLINE_DIR}/merchant_hourly/features', 'format' = 'parquet');

CREATE TABLE card_spend_today (
  event_id   STRING,
  event_time BIGINT,
  card_id    STRING,
  spend_usd  DOUBLE,
  txn_count  BIGINT
) WITH ('connector' = 'filesystem', 'path' = '${OFFLINE_DIR}/card_spend_today/features', 'format' = 'parquet');

CREATE TABLE card_activity_1h (
  event_id   STRING,
  event_time BIGINT,
  card_id    STRING,
  txn_count  BIGINT,
  max_usd    DOUBLE
) WITH ('connector' = 'filesystem', 'path' = '${OFFLINE_DIR}/card_activity_1h/features', 'format' = 'parquet');

EXECUTE STATEMENT SET
BEGIN

INSERT INTO merchant_hourly
SELECT
  merchant_id || '@' || CAST(UNIX_TIMESTAMP(CAST(window_end AS STRING)) AS STRING) AS event_id,
  1000 * UNIX_TIMESTAMP(CAST(window_end AS STRING))                                   AS event_time,
  merchant_id,
  COUNT(*)                                                                            AS txn_count,
  SUM(amount_usd)                                                                     AS amount_usd
FROM TABLE(TUMBLE(TABLE unique_transactions_timed, DESCRIPTOR(event_time), INTERVAL '1' HOUR))
GROUP BY merchant_id, window_start, window_end;

INSERT INTO card_spend_today
SELECT
  card_id || '@' || CAST(UNIX_TIMESTAMP(CAST(window_end AS STRING)) AS STRING),
  1000 * UNIX_TIMESTAMP(CAST(window_end AS STRING)),
  card_id,
  SUM(amount_usd),
  COUNT(*)
FROM TABLE(CUMULATE(TABLE unique_transactions_timed, DESCRIPTOR(event_time), INTERVAL '1' HOUR, INTERVAL '1' DAY))
GROUP BY card_id, window_start, window_end;

INSERT INTO card_activity_1h
SELECT
  card_id || '@' || CAST(UNIX_TIMESTAMP(CAST(window_end AS STRING)) AS STRING),
  1000 * UNIX_TIMESTAMP(CAST(window_end AS STRING)),
  card_id,
  COUNT(*),
  MAX(amount_usd)
FROM TABLE(HOP(TABLE unique_transactions_timed, DESCRIPTOR(event_time), INTERVAL '10' MINUTE, INTERVAL '1' HOUR))
GROUP BY card_id, window_start, window_end;

END;
