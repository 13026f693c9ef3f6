package gcpace

import (
	"os"
	"path/filepath"
	"testing"
)

func TestAutoFloorIsASixteenthWithinBounds(t *testing.T) {
	const gib = 1 << 30
	cases := map[uint64]uint64{
		0:         minAutoFloor,
		512 << 20: minAutoFloor, // 32 MiB is below the least
		4 * gib:   256 << 20,
		8 * gib:   512 << 20,
		16 * gib:  gib,
		24 * gib:  gib,
		1 << 40:   gib,
	}
	for avail, want := range cases {
		if got := AutoFloor(avail); got != want {
			t.Errorf("AutoFloor(%d) = %d, want %d", avail, got, want)
		}
	}
}

func TestAvailableMemoryTakesTheLowerOfTheCgroupLimitAndRAM(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	meminfo := write("meminfo", "MemTotal:       24683724 kB\nMemFree:        20000000 kB\n")
	ram := uint64(24683724) << 10
	cases := []struct {
		name   string
		v2, v1 string // file contents; "" means no file
		want   uint64
	}{
		{name: "no cgroup files", want: ram},
		{name: "v2 without a limit", v2: "max\n", want: ram},
		{name: "v2 limit", v2: "2147483648\n", want: 2 << 30},
		{name: "v1 limit", v1: "1073741824\n", want: 1 << 30},
		{name: "v1 without a limit (a huge number)", v1: "9223372036854771712\n", want: ram},
		{name: "v2 limit above the RAM", v2: "107374182400\n", want: ram},
		{name: "garbage", v2: "lots\n", want: ram},
	}
	old2, old1, oldMem := cgroupV2Limit, cgroupV1Limit, memInfo
	t.Cleanup(func() { cgroupV2Limit, cgroupV1Limit, memInfo = old2, old1, oldMem })
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cgroupV2Limit, cgroupV1Limit, memInfo = filepath.Join(dir, "absent"), filepath.Join(dir, "absent"), meminfo
			if c.v2 != "" {
				cgroupV2Limit = write("v2", c.v2)
			}
			if c.v1 != "" {
				cgroupV1Limit = write("v1", c.v1)
			}
			if got := AvailableMemory(); got != c.want {
				t.Errorf("AvailableMemory() = %d, want %d", got, c.want)
			}
		})
	}
	memInfo = filepath.Join(dir, "absent")
	cgroupV2Limit = write("v2", "max\n")
	if got := AvailableMemory(); got != 0 {
		t.Errorf("with nothing readable: %d, want 0", got)
	}
}
