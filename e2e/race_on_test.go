//go:build race

package e2e

// raceEnabled is set when the tests run under -race: the binary they drive is then
// built with -race too, so the races of the real program (the session loading beside
// the screens, the demo's server) are caught, not only those of the test code.
const raceEnabled = true
