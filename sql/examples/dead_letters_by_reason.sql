-- Dead letters by reason: what ingestion refused in the last features run, and how often.
-- Run: ./tandem sql --mode batch -f sql/examples/dead_letters_by_reason.sql
SELECT reason, COUNT(*) AS dead_letters
FROM dead_letters
GROUP BY reason
ORDER BY dead_letters DESC, reason;
