// Bolt for JavaScript + better-sqlite3 doing what actionbot's floor for
// changes does (cmd/actionbot-load/floorupdate.go): a signed slash command
// "/action <id> progress <n>" is made durable in ONE SQLite transaction
// (BEGIN IMMEDIATE; find the action in the current plan; UPDATE its
// progress; INSERT its audit entry; COMMIT), in WAL with
// synchronous=NORMAL, on a copy of the bot's database, before the one-line
// confirmation is sent as the ack. actionbot-load -bolt DIR starts it and
// measures this process's CPU per change alongside the bot's and the floor's.
//
// Environment: PORT (loopback port to listen on), SLACK_SIGNING_SECRET (the
// load tool's), BOLT_DB (the database copy to change).
'use strict';

const { App, LogLevel } = require('@slack/bolt');
const Database = require('better-sqlite3');

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`bench/bolt: set ${name}`);
    process.exit(2);
  }
  return v;
}

const port = Number(need('PORT'));
const signingSecret = need('SLACK_SIGNING_SECRET');
const dbPath = need('BOLT_DB');

// The same pragmas as the floor's and the bot's writer (store.DB.dsn).
const db = new Database(dbPath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 10000');

const planID = db.prepare('SELECT id FROM plans WHERE is_current = 1').pluck().get();
if (planID === undefined) {
  console.error(`bench/bolt: no current plan in ${dbPath}`);
  process.exit(2);
}
const find = db.prepare('SELECT id, progress FROM actions WHERE plan_id = ? AND ref = ?');
const update = db.prepare('UPDATE actions SET progress = ?, last_activity = ?, updated_at = ? WHERE id = ?');
const audit = db.prepare("INSERT INTO audit (action_id, at, actor, verb, note) VALUES (?, ?, ?, 'progress', '')");

// progress sets an action's progress and writes its audit entry in one
// transaction; .immediate() begins it with BEGIN IMMEDIATE, as the floor's
// writer does (_txlock=immediate).
const progress = db.transaction((ref, n, actor) => {
  // The floor's timestamp format, microseconds included.
  const now = new Date().toISOString().slice(0, 23) + '000Z';
  const a = find.get(planID, ref);
  if (a === undefined) {
    throw new Error(`no action ${ref}`);
  }
  update.run(n, now, now, a.id);
  audit.run(a.id, now, actor);
});

// parseProgress reads "<id> progress <n>", as floorupdate.go's parseProgress.
function parseProgress(text) {
  const f = text.trim().split(/\s+/);
  if (f.length < 3 || f[f.length - 2] !== 'progress') {
    return null;
  }
  const raw = f[f.length - 1].replace(/%$/, '');
  const n = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 0 && n <= 100)) {
    return null;
  }
  return { ref: f.slice(0, -2).join(' '), n };
}

// A single-workspace app as Slack's documentation sets one up: a bot token
// and the signing secret, over Bolt's default HTTPReceiver, which verifies
// every request's v0 signature. The bot's ids are given so that Bolt need
// not call auth.test (there is no Slack here).
const app = new App({
  signingSecret,
  token: 'xoxb-load-test',
  botId: 'B0BOT',
  botUserId: 'U0BOT',
  tokenVerificationEnabled: false,
  endpoints: '/slack/commands',
  logLevel: LogLevel.ERROR,
});

app.command('/action', async ({ command, ack }) => {
  const p = parseProgress(command.text || '');
  if (p === null) {
    await ack({ response_type: 'ephemeral', text: 'This app only makes progress updates: /action <id> progress <n>.' });
    return;
  }
  try {
    progress.immediate(p.ref, p.n, command.user_id);
  } catch (err) {
    await ack({ response_type: 'ephemeral', text: `Could not update ${p.ref}: ${err.message}` });
    return;
  }
  // Committed: only now is the change confirmed.
  await ack({ response_type: 'ephemeral', text: `✅ ${p.ref} is now at ${p.n}%.` });
});

function shutdown() {
  app.stop().finally(() => {
    db.close();
    process.exit(0);
  });
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

(async () => {
  await app.start({ port, host: '127.0.0.1' });
  console.error(`bench/bolt: listening on 127.0.0.1:${port}, changing ${dbPath}`);
})();
