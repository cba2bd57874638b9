#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of `make check`'s reliability boot: hostile input, load and unload, stress, the tool.
#
# Runs inside the VM (busybox sh) on the test kernel, with mmlab.ko,
# mmlab_stress.ko and, when built, the static tools/mmlab/mmlab in /mmlab.
# Runs one after the other, each loading mmlab fresh:
#   control-corpus.sh  every bad write of control-bad.txt fails and changes nothing
#   files-corpus.sh    the same for the other writable files (files-bad.txt)
#   lifecycle.sh       failed loads leave nothing, unload reclaims, pinning, modes
#   stress.sh          the seeded concurrent workload (MMLAB_SECONDS, default 20)
#   mmlab-tool.sh      mmlab(8) against the live debugfs files
# then a final kmemleak scan. Prints, between the "mmlab-check:" markers that
# tools/vm/check-log.py reads, one "mmlab-check: result NAME N passed, N failed"
# line per script (with its time) and the stress figures ("mmlab-check: stress ..."); a script
# that fails prints "mmlab-check: FAIL NAME".

G=/mmlab/guest
L=/sys/kernel/debug/kmemleak
fail=0

say() {
	echo "mmlab-check: $*"
}

# run NAME TAG - run guest script NAME.sh, whose last line of the form
# "TAG: N passed, N failed" gives its counts.
run() {
	say "begin $1"
	t0=$(date +%s)
	sh "$G/$1.sh" >/tmp/"$1".out 2>&1
	rc=$?
	cat /tmp/"$1".out
	counts=$(grep "^$2: [0-9]* passed, [0-9]* failed" /tmp/"$1".out | tail -n 1)
	say "result $1 ${counts#"$2": } in $(($(date +%s) - t0)) s"
	if [ "$rc" != 0 ] || [ -z "$counts" ]; then
		say "FAIL $1 (exit $rc)"
		fail=1
	fi
	say "end $1"
}

if grep -qw la57 /proc/cpuinfo; then
	say "paging 5-level"
else
	say "paging 4-level"
fi
[ -e "$L" ] && echo scan=off >"$L"

run control-corpus control-corpus
run files-corpus files-corpus
run lifecycle mmlab-lifecycle

say "begin stress"
t0=$(date +%s)
MMLAB_SECONDS=${MMLAB_SECONDS:-20} sh "$G/stress.sh" >/tmp/stress.out 2>&1
rc=$?
cat /tmp/stress.out
line=$(grep '^mmlab-stress: ' /tmp/stress.out | tail -n 1)
say "stress ${line#mmlab-stress: } seconds=$(($(date +%s) - t0))"
if [ "$rc" != 0 ] || [ -z "$line" ]; then
	say "FAIL stress (exit $rc)"
	fail=1
fi
say "end stress"

if [ -f /mmlab/mmlab ]; then
	run mmlab-tool mmlab-tool
else
	say "FAIL mmlab-tool: no /mmlab/mmlab in the initramfs"
	fail=1
fi

if [ -e "$L" ]; then
	t0=$(date +%s)
	sleep 6
	echo scan >"$L" || say "FAIL kmemleak scan"
	say "kmemleak scan in $(($(date +%s) - t0)) s"
	say "kmemleak-begin final"
	cat "$L"
	say "kmemleak-end final"
else
	say "FAIL no $L"
	fail=1
fi

say "done $fail"
exit "$fail"
