#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of the stress run (`make stress`, and a short run in `make check`).
#
# Loads mmlab.ko, then runs mmlab_stress.ko (the seeded workload on every CPU
# with the invariant checker between phases) while, at the same time, a
# reader loops over every debugfs file of mmlab, a writer sends control
# commands, and CPU 1 goes offline and back. Prints one line
# "mmlab-stress: ..." with the figures and exits non-zero on any failure.
# MMLAB_SECONDS, MMLAB_SEED (kernel arguments mmlab.seconds=, mmlab.seed=)
# set the run.

D=/sys/kernel/debug/mmlab
seconds=${MMLAB_SECONDS:-10}
seed=${MMLAB_SEED:-0}
rc=0

insmod /mmlab/mmlab.ko || { echo "mmlab-stress: FAIL mmlab.ko did not load"; exit 1; }

# A reader of every file, a control writer and CPU hotplug, until told to stop.
stop=/tmp/stress.stop
rm -f "$stop"
(
	n=0
	while [ ! -e "$stop" ]; do
		for f in $(find "$D" -type f); do
			[ -r "$f" ] || continue
			case "$f" in */control) ;; *) cat "$f" >/dev/null 2>&1 ;; esac
			n=$((n + 1))
		done
	done
	echo "$n" >/tmp/stress.reads
) &
(
	n=0
	while [ ! -e "$stop" ]; do
		for cmd in "alloc order=2" "alloc order=0 zone=DMA32" \
			   "alloc order=5 type=movable" "kmalloc size=100" \
			   "kmalloc size=9000" "cache_alloc name=kmalloc-64" \
			   "vmalloc size=20480" "drain" "shrink" "free all"; do
			echo "$cmd" >"$D/control" 2>/dev/null
			n=$((n + 1))
		done
	done
	echo "free all" >"$D/control"
	echo "$n" >/tmp/stress.writes
) &
(
	n=0
	cpu1=/sys/devices/system/cpu/cpu1/online
	if [ -w "$cpu1" ]; then
		while [ ! -e "$stop" ]; do
			sleep 1
			echo 0 >"$cpu1" && n=$((n + 1))
			sleep 1
			echo 1 >"$cpu1"
		done
		echo 1 >"$cpu1"
	fi
	echo "$n" >/tmp/stress.hotplug
) &

insmod /mmlab/mmlab_stress.ko seconds="$seconds" seed="$seed" || rc=1
touch "$stop"
wait

result=$(dmesg | grep 'mmlab_stress: seed=.*result=' | tail -n 1)
validate=$(cat "$D/validate")
case "$validate" in ok*) ;; *) rc=1 ;; esac
rmmod mmlab_stress 2>/dev/null
rmmod mmlab || rc=1
echo "mmlab-stress: ${result#*mmlab_stress: } reads=$(cat /tmp/stress.reads) control_writes=$(cat /tmp/stress.writes) cpu_offlines=$(cat /tmp/stress.hotplug) validate=\"$validate\" rc=$rc"
exit $rc
