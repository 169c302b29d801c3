package commands_test

import "os"

func mkdirTemp() (string, error) { return os.MkdirTemp("", "actionbot-bench-*") }
