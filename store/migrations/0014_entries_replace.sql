-- REPLACE (INSERT OR REPLACE, REPLACE INTO, ON CONFLICT REPLACE) deletes
-- the rows an insert conflicts with without firing the delete trigger of
-- migration 12 (SQLite fires it only with recursive_triggers on), so
-- entries_version's token would not change, and an index snapshot would
-- keep the deleted row. An insert that conflicts with an existing id, or
-- with an active entry of the same list, number, channel, campaign and
-- kind, draws a new token before anything is replaced. (dncctl's own
-- inserts skip such an entry, ON CONFLICT DO NOTHING: the next scrub then
-- reads the lists from the table once more, for nothing.)
CREATE TRIGGER entries_version_conflict BEFORE INSERT ON entries
WHEN EXISTS (SELECT 1 FROM entries WHERE id = NEW.id)
    OR (NEW.removed_at IS NULL AND EXISTS (SELECT 1 FROM entries WHERE removed_at IS NULL
        AND list = NEW.list AND e164 = NEW.e164 AND channel = NEW.channel
        AND campaign = NEW.campaign AND prefix = NEW.prefix))
BEGIN
    UPDATE entries_version SET token = random();
END;
