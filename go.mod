module github.com/sevenoaks-csp/actionbot

go 1.26.8

require (
	github.com/gorilla/websocket v1.5.3
	github.com/jmoiron/sqlx v1.4.0
	github.com/mattn/go-sqlite3 v1.14.53
	github.com/robfig/cron/v3 v3.0.1
	github.com/slack-go/slack v0.35.0
	golang.org/x/net v0.62.0
)

require golang.org/x/text v0.44.0
