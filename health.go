package actionbot

// HealthError is the database's health check's finding: What says, in a few
// words safe to show on /healthz, what is wrong ("is damaged", "cannot be
// read", "cannot be written"); Err has the detail, for the log.
type HealthError struct {
	What string
	Err  error
}

func (e *HealthError) Error() string { return "the database " + e.What + ": " + e.Err.Error() }
func (e *HealthError) Unwrap() error { return e.Err }
