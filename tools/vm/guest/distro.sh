#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of `make check` on the Debian kernel: mmlab loads, reads, allocates, frees, unloads.
#
# Runs inside the VM (busybox sh). Prints "mmlab-check:" markers for
# tools/vm/check-log.py; exits non-zero if any step failed.

D=/sys/kernel/debug/mmlab
fail=0

say() {
	echo "mmlab-check: $*"
}

bad() {
	say "FAIL $*"
	fail=1
}

if grep -qw la57 /proc/cpuinfo; then
	say "paging 5-level"
else
	say "paging 4-level"
fi
say "kernel $(uname -r)"

say "insmod mmlab"
if ! insmod /mmlab/mmlab.ko; then
	bad "insmod mmlab.ko"
	say "done $fail"
	exit 1
fi

say "read debugfs"
nfiles=0
for f in $(find "$D" -type f | sort); do
	nfiles=$((nfiles + 1))
	if cat "$f" >/tmp/out 2>/tmp/err; then
		say "read $f ok ($(wc -l </tmp/out) lines)"
	else
		bad "read $f: $(cat /tmp/err)"
	fi
done
[ "$nfiles" -gt 0 ] || bad "no files in $D"

say "alloc order=2 through control"
if echo "alloc order=2" >"$D/control"; then
	row=$(tail -n 1 "$D/handles")
	say "handle: $row"
	id=$(echo "$row" | awk '{ print $1 }')
	echo "free id=$id" >"$D/control" || bad "free id=$id"
	[ "$(grep -c . "$D/handles")" = 1 ] || bad "handles not empty after the free"
else
	bad "alloc order=2"
fi

say "rmmod mmlab"
rmmod mmlab || bad "rmmod mmlab"
[ -e "$D" ] && bad "$D still exists after rmmod"

say "done $fail"
exit "$fail"
