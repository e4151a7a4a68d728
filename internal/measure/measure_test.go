package measure

import (
	"errors"
	"testing"
	"time"
)

func TestMedianAndP90(t *testing.T) {
	ms := func(v ...int) Sample {
		s := make(Sample, len(v))
		for i, x := range v {
			s[i] = time.Duration(x) * time.Millisecond
		}
		return s
	}
	for _, tc := range []struct {
		name        string
		s           Sample
		median, p90 time.Duration
	}{
		{"an odd count takes the middle run", ms(5, 1, 3, 2, 4), 3 * time.Millisecond, 5 * time.Millisecond},
		{"an even count takes the mean of the middle two", ms(4, 1, 3, 2), 2500 * time.Microsecond, 4 * time.Millisecond},
		{"ten runs: p90 is the ninth", ms(10, 9, 8, 7, 6, 5, 4, 3, 2, 1), 5500 * time.Microsecond, 9 * time.Millisecond},
		{"no runs", nil, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.Median(); got != tc.median {
				t.Errorf("Median = %v, want %v", got, tc.median)
			}
			if got := tc.s.P90(); got != tc.p90 {
				t.Errorf("P90 = %v, want %v", got, tc.p90)
			}
		})
	}
}

func TestTimeWarmsUpThenRunsAtLeastMinRuns(t *testing.T) {
	calls := 0
	s, err := Time(2, func() error { calls++; return nil })
	if err != nil || len(s) != MinRuns || calls != MinRuns+1 {
		t.Fatalf("len %d, calls %d, err %v; want %d measured runs after one warm-up", len(s), calls, err, MinRuns)
	}
}

func TestTimeStopsAtTheFirstError(t *testing.T) {
	calls, boom := 0, errors.New("boom")
	_, err := Time(5, func() error {
		calls++
		if calls == 3 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || calls != 3 {
		t.Fatalf("err %v after %d calls, want boom after 3", err, calls)
	}
}
