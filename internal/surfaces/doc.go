// Package surfaces holds no code, only a test: it renders one action in
// every combination of its state through every surface that shows it (the
// card, lists, the App Home, the console, the change replies, the digest,
// the reminders and the board report) and checks that what each says agrees
// with the action's RAG rating. It lives apart so that it may import every
// adapter.
package surfaces
