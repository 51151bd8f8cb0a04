-- The SMS channel: a woman's phone as who she is, opting out with STOP, what became
-- of each SMS after the provider took it.

-- +goose Up
-- Her phone number, when the channel vouches for it: the SMS sender's number, or her
-- own contact shared on Telegram (not a number she typed). Two users with the same
-- phone are one woman on two channels: each sees the appeals of both.
ALTER TABLE users ADD COLUMN phone text;
CREATE INDEX users_phone ON users (phone) WHERE phone IS NOT NULL;
UPDATE users SET phone = address WHERE channel = 'sms';
-- She sent STOP: nothing is sent to her until START, except what she asks for then
-- (the confirmation, the hotline numbers).
ALTER TABLE users ADD COLUMN opted_out_at timestamptz;

-- 'withheld': not sent on purpose (she opted out, the daily cap), and not to be tried again.
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'blocked', 'withheld'));
-- What the provider's delivery report said: delivered, failed, expired (null: no
-- report yet, or a channel without reports).
ALTER TABLE outbox ADD COLUMN delivery text CHECK (delivery IN ('delivered', 'failed', 'expired'));
ALTER TABLE outbox ADD COLUMN delivery_at timestamptz;
CREATE INDEX outbox_external ON outbox (channel, external_id) WHERE external_id IS NOT NULL;
-- A report that comes before its send is recorded (the provider was quicker than our
-- commit) waits here, and is applied when it is; the ones of no message of ours go
-- after two days.
CREATE TABLE early_reports (
    channel     text        NOT NULL,
    external_id text        NOT NULL,
    delivery    text        NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (channel, external_id)
);

-- +goose Down
DROP TABLE early_reports;
DROP INDEX outbox_external;
ALTER TABLE outbox DROP COLUMN delivery_at;
ALTER TABLE outbox DROP COLUMN delivery;
UPDATE outbox SET status = 'failed' WHERE status = 'withheld';
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending', 'sent', 'failed', 'blocked'));
ALTER TABLE users DROP COLUMN opted_out_at;
DROP INDEX users_phone;
ALTER TABLE users DROP COLUMN phone;
