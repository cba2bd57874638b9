#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of `make check`: load mmlab, run every KUnit module, read debugfs, unload, kmemleak.
#
# Runs inside the VM (busybox sh) on the test kernel. Prints its findings
# between "mmlab-check:" markers that tools/vm/check-log.py reads on the
# host; exits non-zero if any step inside the guest failed.

K=/sys/kernel/debug/kunit
D=/sys/kernel/debug/mmlab
L=/sys/kernel/debug/kmemleak
fail=0

say() {
	echo "mmlab-check: $*"
}

bad() {
	say "FAIL $*"
	fail=1
}

# kmemleak_scan TAG - scan for leaks, then print the report between markers.
# kmemleak reports an unreferenced object at the first scan once it is
# older than 5 s: the pause makes everything the unload left behind old
# enough for one scan. A scan of this 4 GiB guest takes one to several
# minutes under TCG, so one scan by default; mmlab.kmemleak_scans=N on the
# kernel command line (check.sh: MMLAB_KMEMLEAK_SCANS) asks for more.
kmemleak_scan() {
	i=0

	if [ ! -e "$L" ]; then
		bad "no $L"
		return
	fi
	sleep 6
	while [ "$i" -lt "${MMLAB_KMEMLEAK_SCANS:-1}" ]; do
		[ "$i" -gt 0 ] && sleep 6
		echo scan >"$L" || bad "kmemleak scan"
		i=$((i + 1))
	done
	say "kmemleak-begin $1"
	cat "$L"
	say "kmemleak-end $1"
}

if grep -qw la57 /proc/cpuinfo; then
	say "paging 5-level"
else
	say "paging 4-level"
fi
say "cpus $(grep -c ^processor /proc/cpuinfo)"
# No automatic kmemleak scans: the explicit ones below are enough, and a
# concurrent one would only slow them.
[ -e "$L" ] && echo scan=off >"$L"

say "insmod mmlab"
if ! insmod /mmlab/mmlab.ko; then
	bad "insmod mmlab.ko"
	say "done $fail"
	exit 1
fi

tests=""
for ko in /mmlab/*.ko; do
	name=$(basename "$ko" .ko)
	[ "$name" = mmlab ] && continue
	ls "$K" >/tmp/suites.before 2>/dev/null
	dmesg -c >/dev/null
	say "insmod $name"
	if ! insmod "$ko"; then
		bad "insmod $name.ko"
		continue
	fi
	tests="$name $tests"
	# The whole console output of the module: KUnit's KTAP as printed,
	# complete even when a case's debugfs log (512 bytes) is cut short.
	say "dmesg-begin $name"
	dmesg
	say "dmesg-end $name"
	for dir in "$K"/*; do
		[ -d "$dir" ] || continue
		suite=$(basename "$dir")
		grep -qx "$suite" /tmp/suites.before && continue
		say "ktap-begin $suite $name"
		cat "$K/$suite/results" || bad "reading $K/$suite/results"
		say "ktap-end $suite"
	done
done

say "read debugfs"
nfiles=0
for f in $(find "$D" -type f | sort); do
	nfiles=$((nfiles + 1))
	if cat "$f" >/tmp/out 2>/tmp/err; then
		say "read $f ok ($(wc -l </tmp/out) lines)"
		head -n 40 /tmp/out
	else
		bad "read $f: $(cat /tmp/err)"
	fi
done
[ "$nfiles" -gt 0 ] || bad "no files in $D"

# The VMA rows of mm against /proc/<pid>/maps, line for line, for a task
# that does nothing meanwhile (once its start-up is over: maps read before
# and after mm must be equal). The gate area ([vsyscall]) is in maps but is
# no VMA of the mm (get_gate_vma()), so it is left out of the comparison.
if [ -e "$D/mm" ]; then
	sleep 60 &
	pid=$!
	i=0
	res=unstable
	while [ "$i" -lt 5 ] && [ "$res" = unstable ]; do
		sleep 1
		grep -v ' \[vsyscall\]$' "/proc/$pid/maps" >/tmp/maps.rows
		if ! echo "pid=$pid" >"$D/mm"; then
			res=nowrite
			break
		fi
		awk 'rows && !/^\t/; /^$/ { rows = 1 }' "$D/mm" >/tmp/mm.rows
		grep -v ' \[vsyscall\]$' "/proc/$pid/maps" >/tmp/maps.again
		cmp -s /tmp/maps.rows /tmp/maps.again || { i=$((i + 1)); continue; }
		if cmp -s /tmp/mm.rows /tmp/maps.rows; then
			res=same
		else
			res=differ
		fi
	done
	case $res in
	same) say "mm of pid $pid matches /proc/$pid/maps ($(wc -l </tmp/maps.rows) vmas)" ;;
	differ)
		bad "mm of pid $pid differs from /proc/$pid/maps"
		diff /tmp/maps.rows /tmp/mm.rows
		;;
	nowrite) bad "write pid=$pid to $D/mm" ;;
	*) bad "maps of pid $pid kept changing" ;;
	esac
	kill "$pid"
fi

for name in $tests; do
	say "rmmod $name"
	rmmod "$name" || bad "rmmod $name"
done
say "rmmod mmlab"
rmmod mmlab || bad "rmmod mmlab"
[ -e "$D" ] && bad "$D still exists after rmmod"

kmemleak_scan final

say "done $fail"
exit "$fail"
