package store

// NoteSent holds a confirmation as sent and not yet recorded, as
// ConfirmInbox does before its own write.
func NoteSent(db *DB, id int64) { db.sent.add(id) }
