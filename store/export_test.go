package store

// FindActionsSQL exposes the SQL path of FindActions to the tests.
var FindActionsSQL = (*DB).findActionsSQL
