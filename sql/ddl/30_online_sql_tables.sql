-- Online tables of the SQL pipelines, in the PostgreSQL online store (created there from
-- sql/postgres). The JDBC connector knows no TIMESTAMP_LTZ: windows are written as UTC TIMESTAMPs.
CREATE TABLE IF NOT EXISTS online_merchant_hourly (
  merchant_id STRING,
  window_end  TIMESTAMP(3),
  txn_count   BIGINT,
  amount_usd  DOUBLE,
  PRIMARY KEY (merchant_id) NOT ENFORCED
) WITH (
  'connector'                  = 'jdbc',
  'url'                        = '${JDBC_URL}',
  'table-name'                 = 'sql_merchant_hourly',
  'username'                   = '${JDBC_USER}',
  'password'                   = '${JDBC_PASSWORD}',
  'sink.buffer-flush.max-rows' = '1000',
  'sink.buffer-flush.interval' = '1s'
);
