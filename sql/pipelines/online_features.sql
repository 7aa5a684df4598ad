-- Online store from SQL: each merchant's latest closed hour (transactions, volume in USD), the
-- value a scoring service reads next to the DataStream job's per-entity vectors.
-- Run: ./tandem sql --mode batch|streaming -f sql/pipelines/online_features.sql
--
-- Why a Top-1 over the hourly windows instead of upserting every window: the windows are keyed by
-- (merchant, hour) and the table by merchant. Plain upserts leave whichever hour was written last,
-- and batch mode writes a merchant's hours in no particular order (the JDBC sink's buffer keeps
-- only the last row per key, so not even a database trigger could repair that). The Top-1 keeps
-- one row per merchant in state, runs in both modes, and its result is an upsert stream keyed by
-- merchant, exactly the table's key, so Flink needs no ON CONFLICT materializer either.
INSERT INTO online_merchant_hourly
SELECT merchant_id, window_end, txn_count, amount_usd
FROM (
  SELECT
    merchant_id,
    window_end,
    txn_count,
    amount_usd,
    ROW_NUMBER() OVER (PARTITION BY merchant_id ORDER BY window_end DESC) AS newest
  FROM (
    SELECT
      merchant_id,
      CAST(window_end AS TIMESTAMP(3)) AS window_end,
      COUNT(*)                         AS txn_count,
      SUM(amount_usd)                  AS amount_usd
    FROM TABLE(TUMBLE(TABLE unique_transactions_timed, DESCRIPTOR(event_time), INTERVAL '1' HOUR))
    GROUP BY merchant_id, window_start, window_end
  )
)
WHERE newest = 1;
