package fakeaws

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// epoch is a JSON-protocol timestamp: epoch seconds as a number (millisecond precision).
type epoch time.Time

func (e epoch) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(e).UnixMilli())/1000, 'f', -1, 64)), nil
}

func (e epoch) IsZero() bool { return time.Time(e).IsZero() }

// millis is a CloudWatch Logs timestamp: milliseconds since the epoch.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// isoTime formats a query-protocol timestamp.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// Offset page tokens: opaque to clients, an index into a stably sorted listing.
func offsetToken(n int) string {
	return base64.StdEncoding.EncodeToString([]byte("fakeaws:offset:" + strconv.Itoa(n)))
}

func parseOffsetToken(tok string) (int, bool) {
	if tok == "" {
		return 0, true
	}
	b, err := base64.StdEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "fakeaws:offset:"))
	if err != nil || n < 0 || !strings.HasPrefix(string(b), "fakeaws:offset:") {
		return 0, false
	}
	return n, true
}

// pageOf returns items[offset of token : +max] and the next token ("" at the end).
func pageOf[T any](items []T, token string, max int) ([]T, string, bool) {
	start, ok := parseOffsetToken(token)
	if !ok || start > len(items) {
		return nil, "", false
	}
	end := min(start+max, len(items))
	next := ""
	if end < len(items) {
		next = offsetToken(end)
	}
	return items[start:end], next, true
}

// keyToken is an opaque token that resumes a listing sorted by key after key.
func keyToken(key string) string {
	return base64.StdEncoding.EncodeToString([]byte("fakeaws:after:" + key))
}

func parseKeyToken(tok string) (string, bool) {
	b, err := base64.StdEncoding.DecodeString(tok)
	if err != nil || !strings.HasPrefix(string(b), "fakeaws:after:") {
		return "", false
	}
	return strings.TrimPrefix(string(b), "fakeaws:after:"), true
}

// fakeHex is a stable hex string derived from parts.
func fakeHex(n int, parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	s := hex.EncodeToString(h[:])
	for len(s) < n {
		h = sha256.Sum256([]byte(s))
		s += hex.EncodeToString(h[:])
	}
	return s[:n]
}

// wildcardMatch matches s against a pattern with * (any run) and ? (one character).
func wildcardMatch(pattern, s string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for len(pattern) > 0 && pattern[0] == '*' {
				pattern = pattern[1:]
			}
			if pattern == "" {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if wildcardMatch(pattern, s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			pattern, s = pattern[1:], s[1:]
		default:
			if s == "" || s[0] != pattern[0] {
				return false
			}
			pattern, s = pattern[1:], s[1:]
		}
	}
	return s == ""
}

func ptrInt(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// validationErr words a constraint violation like AWS's JSON services do.
func validationErr(code, value, field, constraint string) *apiError {
	return errorf(code, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, field, constraint)
}

// checkMax validates an optional page size against 1..max.
func checkMax(code, field string, v *int, max int) *apiError {
	if v == nil {
		return nil
	}
	if *v < 1 {
		return validationErr(code, strconv.Itoa(*v), field, "Member must have value greater than or equal to 1")
	}
	if *v > max {
		return validationErr(code, strconv.Itoa(*v), field, "Member must have value less than or equal to "+strconv.Itoa(max))
	}
	return nil
}
