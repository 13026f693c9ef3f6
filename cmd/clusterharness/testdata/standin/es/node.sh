#!/usr/bin/env bash
# Stand-in: the shared node is not ours to kill; leave es out of --faults.
echo "stand-in es: refusing to $* the shared node" >&2
exit 3
