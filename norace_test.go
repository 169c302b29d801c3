//go:build !race

package actionbot_test

const raceEnabled = false
