-- Raw events and labels as files (the generator's JSON lines, transactions in one file or one per
-- partition): every field read as text, so a dirty record is never lost to a parse error; the views
-- clean them with Tandem's UDFs.
CREATE TABLE IF NOT EXISTS transactions_raw (
  txn_id            STRING,
  ts                STRING,
  card_number       STRING,
  amount            STRING,
  currency          STRING,
  merchant_id       STRING,
  merchant_category STRING,
  lat               STRING,
  lon               STRING,
  country           STRING,
  email             STRING,
  channel           STRING,
  status            STRING
) WITH (
  'connector'                = 'filesystem',
  'path'                     = '${HISTORY_DIR}',
  'source.path.regex-pattern' = '.*/transactions(-[0-9]+)?\.jsonl',
  'format'                   = 'json',
  'json.ignore-parse-errors' = 'true'
);

CREATE TABLE IF NOT EXISTS labels_raw (
  txn_id     STRING,
  label_time STRING,
  label      STRING,
  reason     STRING
) WITH (
  'connector' = 'filesystem',
  'path'      = '${HISTORY_DIR}',
  'source.path.regex-pattern' = '.*/labels[^/]*\.jsonl',
  'format'    = 'json'
);

-- Dead letters of a features run (JSON lines, PII masked), partitioned by the date at which they
-- were refused in event time (NULL: refused before any event was read).
CREATE TABLE IF NOT EXISTS dead_letters (
  stage      STRING,
  reason     STRING,
  detail     STRING,
  event_id   STRING,
  event_time BIGINT,
  `raw`      STRING,
  event_date STRING
) PARTITIONED BY (event_date) WITH (
  'connector' = 'filesystem',
  'path'      = '${OFFLINE_DIR}/dead-letters',
  'format'    = 'json'
);

-- The same raw transactions with an event-time attribute, for window TVFs. Unreadable or
-- implausible times (more than a day past now) become epoch 0 and are filtered out by the view
-- over it, before any window sees them: a single far-future record must not drag the watermark.
CREATE TABLE IF NOT EXISTS transactions_timed (
  txn_id            STRING,
  ts                STRING,
  card_number       STRING,
  amount            STRING,
  currency          STRING,
  merchant_id       STRING,
  channel           STRING,
  status            STRING,
  event_time AS CASE
    WHEN PARSE_TIMESTAMP(ts) IS NOT NULL AND PARSE_TIMESTAMP(ts) <= TIMESTAMPADD(DAY, 1, CURRENT_TIMESTAMP)
    THEN PARSE_TIMESTAMP(ts)
    ELSE TO_TIMESTAMP_LTZ(0, 3)
  END,
  -- A bound beyond the input's disorder. SQL cannot express the DataStream jobs' input-order
  -- lateness rule in batch mode; with no event behind the watermark, both modes see every event.
  WATERMARK FOR event_time AS event_time - INTERVAL '1' DAY
) WITH (
  'connector'                = 'filesystem',
  'path'                     = '${HISTORY_DIR}',
  'source.path.regex-pattern' = '.*/transactions(-[0-9]+)?\.jsonl',
  'format'                   = 'json',
  'json.ignore-parse-errors' = 'true'
);

-- Labels with an event-time attribute, for the leak-free training-set join in SQL.
CREATE TABLE IF NOT EXISTS labels_timed (
  txn_id     STRING,
  label_time STRING,
  reason     STRING,
  known_at AS COALESCE(PARSE_TIMESTAMP(label_time), TO_TIMESTAMP_LTZ(0, 3)),
  WATERMARK FOR known_at AS known_at - INTERVAL '1' DAY
) WITH (
  'connector' = 'filesystem',
  'path'      = '${HISTORY_DIR}',
  'source.path.regex-pattern' = '.*/labels[^/]*\.jsonl',
  'format'    = 'json'
);
