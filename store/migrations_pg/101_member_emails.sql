-- Members reached by e-mail (issue 27). A person registered by address alone
-- has the address itself as their member id (members.user_id); a person with
-- a Slack id may have an address beside it. Each person has one address and
-- each address one person.
--
-- route says how a person with a Slack id hears from the bot: 'auto' (Slack,
-- e-mail only when they have no Slack id), 'email' or 'both'.
--
-- undeliverable_at is set when the mail server refused the address for good
-- (a 5xx answer at RCPT): no more reminders go there until a coordinator
-- sets the address again, and the coordinators are told once.
CREATE TABLE member_emails (
    user_id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    email            TEXT COLLATE "C" NOT NULL UNIQUE,
    route            TEXT COLLATE "C" NOT NULL DEFAULT 'auto',
    undeliverable_at TEXT COLLATE "C",
    undeliverable    TEXT COLLATE "C" NOT NULL DEFAULT '',
    updated_by       TEXT COLLATE "C" NOT NULL,
    updated_at       TEXT COLLATE "C" NOT NULL,
    CHECK (route IN ('auto', 'email', 'both'))
);

-- The mail sender reads its own messages (owner 'mail') as the Slack
-- sender reads Slack's: outbox_owner (owner, state, next_attempt_at) serves it.
