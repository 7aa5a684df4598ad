-- A card's feature history: the features each of its transactions was scored with, in time order.
-- Picks the card with the most transactions; put a card_id in the WHERE clause for a given card.
-- Run: ./tandem sql -f sql/examples/card_feature_history.sql
-- A query over bounded files and the offline store: batch, whatever the session's default.
SET 'execution.runtime-mode' = 'batch';
SELECT event_id, event_ts, card_txn_count_1h, card_amount_sum_24h, card_seconds_since_last, card_km_from_last
FROM offline_features
WHERE card_id = (
  SELECT card_id FROM offline_features GROUP BY card_id ORDER BY COUNT(*) DESC, card_id LIMIT 1)
ORDER BY event_time, event_id
LIMIT 20;
