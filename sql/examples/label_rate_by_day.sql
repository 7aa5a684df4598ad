-- Label rate by day: the share of each day's clean transactions that received a chargeback.
-- Run: ./tandem sql -f sql/examples/label_rate_by_day.sql
-- A query over bounded files and the offline store: batch, whatever the session's default.
SET 'execution.runtime-mode' = 'batch';
SELECT
  CAST(t.event_time AS DATE)                                      AS txn_day,
  COUNT(*)                                                        AS transactions,
  COUNT(l.txn_id)                                                 AS chargebacks,
  CAST(ROUND(100.0 * COUNT(l.txn_id) / COUNT(*), 3) AS DECIMAL(6, 3)) AS label_rate_pct
FROM clean_transactions AS t
LEFT JOIN (SELECT DISTINCT txn_id FROM labels_raw) AS l ON t.txn_id = l.txn_id
GROUP BY CAST(t.event_time AS DATE)
ORDER BY txn_day;
