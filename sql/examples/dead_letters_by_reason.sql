-- Dead letters by reason: what ingestion refused in the last features run, and how often.
-- Run: ./tandem sql -f sql/examples/dead_letters_by_reason.sql
-- A query over bounded files and the offline store: batch, whatever the session's default.
SET 'execution.runtime-mode' = 'batch';
SELECT reason, COUNT(*) AS dead_letters
FROM dead_letters
GROUP BY reason
ORDER BY dead_letters DESC, reason;
