-- Replay.actionLog is gzip already: store it out of line without PostgreSQL trying to compress it
-- again (a storage setting only; the column's type is unchanged).
ALTER TABLE "Replay" ALTER COLUMN "actionLog" SET STORAGE EXTERNAL;
