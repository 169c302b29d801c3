// Package actionbot holds the domain of the Community Safety Partnership action
// plan bot: plans, priorities, actions, agencies, the audit trail and the
// transport-neutral messages the bot sends. It imports only the standard
// library; the SQLite store, the command language, the reminder scheduler and
// the Slack and console adapters live in sub-packages and depend on it.
package actionbot

// Version is set at build time with -ldflags "-X github.com/sevenoaks-csp/actionbot.Version=...".
var Version = "dev"
