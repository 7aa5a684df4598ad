-- Kafka topics (the feature vectors' topic is generated from the spec). Readers see committed
-- records only, like any scoring service reading the exactly-once topics.
CREATE TABLE IF NOT EXISTS transactions_kafka (
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
  appended_at       TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL
) WITH (
  'connector'                    = 'kafka',
  'topic'                        = 'transactions',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
  'properties.group.id'          = 'tandem-sql',
  'scan.startup.mode'            = 'earliest-offset',
  'format'                       = 'json',
  'json.ignore-parse-errors'     = 'true'
);

CREATE TABLE IF NOT EXISTS dead_letters_kafka (
  stage      STRING,
  reason     STRING,
  detail     STRING,
  event_id   STRING,
  event_time BIGINT,
  `raw`      STRING
) WITH (
  'connector'                     = 'kafka',
  'topic'                         = 'dead-letters',
  'properties.bootstrap.servers'  = '${KAFKA_BOOTSTRAP}',
  'properties.group.id'           = 'tandem-sql',
  'properties.isolation.level'    = 'read_committed',
  'scan.startup.mode'             = 'earliest-offset',
  'format'                        = 'json'
);

CREATE TABLE IF NOT EXISTS labels_kafka (
  txn_id      STRING,
  label_time  STRING,
  label       STRING,
  reason      STRING,
  appended_at TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL
) WITH (
  'connector'                    = 'kafka',
  'topic'                        = 'labels',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
  'properties.group.id'          = 'tandem-sql',
  'scan.startup.mode'            = 'earliest-offset',
  'format'                       = 'json'
);
