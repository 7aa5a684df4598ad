-- PostgreSQL side of the SQL pipelines' online tables (PostgreSQL dialect, not Flink SQL).
-- `./tandem sql` applies the files in sql/postgres before the client starts; each is idempotent,
-- because the JDBC connector writes into tables but never creates them.

CREATE TABLE IF NOT EXISTS sql_merchant_hourly (
  merchant_id text             PRIMARY KEY,
  window_end  timestamp        NOT NULL,
  txn_count   bigint           NOT NULL,
  amount_usd  double precision NOT NULL
);
