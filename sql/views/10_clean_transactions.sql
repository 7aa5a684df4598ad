-- Transactions cleaned with the same UDFs the DataStream ingestion uses: amounts in real-world
-- spellings, ISO currencies converted to USD, timestamps in any ISO/epoch form, card numbers
-- checked (Luhn) and pseudonymised. Records that do not clean are left out here; the DataStream
-- jobs route them to dead letters with a reason.
CREATE VIEW IF NOT EXISTS clean_transactions AS
SELECT
  txn_id,
  PARSE_TIMESTAMP(ts)                                                        AS event_time,
  PSEUDONYMIZE(REGEXP_REPLACE(card_number, '[ -]', ''))                      AS card_id,
  CAST(PARSE_AMOUNT(amount) AS DOUBLE)                                       AS amount,
  NORMALIZE_CURRENCY(currency)                                               AS currency,
  TO_BASE_CURRENCY(CAST(PARSE_AMOUNT(amount) AS DOUBLE), NORMALIZE_CURRENCY(currency)) AS amount_usd,
  merchant_id,
  merchant_category,
  NORMALIZE_COUNTRY(country)                                                 AS country
FROM transactions_raw
WHERE txn_id IS NOT NULL
  AND PARSE_TIMESTAMP(ts) IS NOT NULL
  AND IS_VALID_CARD(card_number)
  AND PARSE_AMOUNT(amount) IS NOT NULL
  AND NORMALIZE_CURRENCY(currency) IS NOT NULL
  AND merchant_id IS NOT NULL;

-- Clean transactions that keep their event-time attribute, for window features in SQL.
CREATE VIEW IF NOT EXISTS clean_transactions_timed AS
SELECT
  txn_id,
  event_time,
  PSEUDONYMIZE(REGEXP_REPLACE(card_number, '[ -]', ''))                                AS card_id,
  TO_BASE_CURRENCY(CAST(PARSE_AMOUNT(amount) AS DOUBLE), NORMALIZE_CURRENCY(currency)) AS amount_usd,
  merchant_id,
  channel,
  status
FROM transactions_timed
WHERE txn_id IS NOT NULL
  AND event_time > TO_TIMESTAMP_LTZ(0, 3)
  AND IS_VALID_CARD(card_number)
  AND PARSE_AMOUNT(amount) IS NOT NULL
  AND TO_BASE_CURRENCY(CAST(PARSE_AMOUNT(amount) AS DOUBLE), NORMALIZE_CURRENCY(currency)) IS NOT NULL
  AND merchant_id IS NOT NULL;

-- Each transaction once: a re-sent record has the same id and time, so a one-millisecond tumbling
-- window grouped by id removes the copies and keeps the event time as the row time (window_time).
-- Window aggregation is append-only in streaming and runs in batch; the usual ROW_NUMBER
-- deduplication is not an option here, because projecting the row time through it fails in batch
-- ("Conversion to relational algebra failed to preserve datatypes", DESIGN.md).
CREATE VIEW IF NOT EXISTS unique_transactions_timed AS
SELECT
  txn_id,
  window_time      AS event_time,
  MIN(card_id)     AS card_id,
  MIN(amount_usd)  AS amount_usd,
  MIN(merchant_id) AS merchant_id,
  MIN(channel)     AS channel,
  MIN(status)      AS status
FROM TABLE(TUMBLE(TABLE clean_transactions_timed, DESCRIPTOR(event_time), INTERVAL '0.001' SECOND))
GROUP BY txn_id, window_start, window_end, window_time;
