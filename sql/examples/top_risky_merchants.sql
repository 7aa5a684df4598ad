-- Top risky merchants: where the busiest hours and the most distinct cards in a day were seen,
-- from the offline feature store (per-event vectors of the last batch run).
-- Run: ./tandem sql -f sql/examples/top_risky_merchants.sql
-- A query over bounded files and the offline store: batch, whatever the session's default.
SET 'execution.runtime-mode' = 'batch';
SELECT
  merchant_id,
  MAX(merchant_txn_count_1h)       AS peak_txns_per_hour,
  MAX(merchant_distinct_cards_24h) AS peak_distinct_cards_24h,
  COUNT(*)                         AS transactions
FROM offline_features
GROUP BY merchant_id
ORDER BY peak_txns_per_hour DESC, merchant_id
LIMIT 5;
