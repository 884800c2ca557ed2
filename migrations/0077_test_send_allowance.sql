-- Up Migration
-- Test sends are recorded in audit_log (action 'send_test', the addresses in payload.to), and
-- a member may send TEST_EMAILS_PER_HOUR test emails an hour (src/delivery/send-test.ts),
-- counted from those rows before every test send. This index keeps that count to the
-- member's last hour of test sends instead of every audit row of the account.

CREATE INDEX audit_log_test_sends ON audit_log (user_id, actor, created_at) WHERE action = 'send_test';

-- Down Migration
