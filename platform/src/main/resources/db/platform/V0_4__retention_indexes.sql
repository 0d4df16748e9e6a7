-- Retention deletes inbox ids older than an age (masthead.retention.ages.inbox, 14 days by default) in small
-- batches: each batch finds its rows through this index instead of scanning the table.
CREATE INDEX inbox_processed_at ON inbox (processed_at);
