package sysstat

import (
	"os"
	"runtime"
	"testing"
	"time"
)

func TestParseStatCPUCountsFieldsAfterTheCommandName(t *testing.T) {
	// The command name contains a space and a ')' to trip naive splitting.
	stat := []byte("4242 (plan store) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 8 0 1 2 3")
	got, err := parseStatCPU(stat)
	if err != nil {
		t.Fatal(err)
	}
	if want := 3 * time.Second; got != want { // (250 + 50) ticks at 100 Hz
		t.Fatalf("cpu %v, want %v", got, want)
	}
}

func TestStatusKB(t *testing.T) {
	status := []byte("Name:\tx\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n")
	if statusKB(status, "VmRSS:") != 1024 || statusKB(status, "VmHWM:") != 2048 || statusKB(status, "VmSwap:") != 0 {
		t.Fatal("wrong values")
	}
}

func TestReadProcOfThisProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	p, err := ReadProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if p.RSSKB <= 0 || p.PeakRSSKB < p.RSSKB {
		t.Fatalf("implausible memory %+v", p)
	}
	if _, err := SelfCPU(); err != nil {
		t.Fatal(err)
	}
}

func TestParseHostBusySkipsIdleAndIOWait(t *testing.T) {
	stat := "cpu  100 20 30 5000 400 5 5 40 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n"
	got, err := parseHostBusy(stat)
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * time.Second; got != want { // 100+20+30+5+5+40 ticks
		t.Fatalf("busy %v, want %v", got, want)
	}
}
