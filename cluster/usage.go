package cluster

import "fmt"

// UsageError reports bad arguments or configuration given to a command,
// found before anything was done; a command exits with status 2 for it and
// prints its message alone.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a *UsageError with the message formatted as by fmt.Sprintf.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}
