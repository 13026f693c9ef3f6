package sysstat

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Host is a snapshot of the whole machine's CPU use. On a machine shared with other
// work, the busy time left after planbench and the server is what the others took.
type Host struct {
	Busy time.Duration // all CPUs, since boot
	Load float64       // 1-minute load average
}

// ReadHost reads /proc/stat and /proc/loadavg.
func ReadHost() (Host, error) {
	stat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return Host{}, fmt.Errorf("read host CPU stats: %w", err)
	}
	busy, err := parseHostBusy(string(stat))
	if err != nil {
		return Host{}, fmt.Errorf("/proc/stat: %w", err)
	}
	h := Host{Busy: busy}
	if avg, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(avg)); len(f) > 0 {
			h.Load, _ = strconv.ParseFloat(f[0], 64)
		}
	}
	return h, nil
}

// parseHostBusy sums the aggregate "cpu" line except idle and iowait (fields 4 and 5);
// guest time is already included in user and nice, so it is not added again.
func parseHostBusy(stat string) (time.Duration, error) {
	line, _, _ := strings.Cut(stat, "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return 0, fmt.Errorf("no aggregate cpu line")
	}
	var busy int64
	for i, v := range f[1:min(len(f), 9)] { // user nice system idle iowait irq softirq steal
		if i == 3 || i == 4 {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("bad cpu field %q", v)
		}
		busy += n
	}
	return time.Duration(busy) * time.Second / clockTicks, nil
}
