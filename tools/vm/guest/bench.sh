#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of `make bench`: load mmlab and run mmlab_bench.ko's benchmarks.
#
# Runs inside the VM (busybox sh) on the Debian kernel. mmlab is loaded with
# the per-CPU batch and high mark of the kernel's own Normal zone (read from
# /proc/zoneinfo), so the per-CPU paths of both sides move the same number
# of pages at a time; MMLAB_PCP=default (kernel argument mmlab.pcp=default)
# keeps mmlab's own. mmlab's tracepoints are switched off before the timed
# runs. MMLAB_BENCHPARAMS (mmlab.benchparams=loops=1000,repeats=3) go to
# mmlab_bench.ko, MMLAB_MODPARAMS to mmlab.ko. The module prints its results
# as "mmlab-bench: csv ..." lines on the console; tools/bench/run.sh cuts
# them out. Exits non-zero if a module did not load or a benchmark failed.

T=/sys/kernel/tracing
rc=0

say() {
	echo "mmlab-bench: info $*"
}

say "kernel $(uname -r)"
say "cmdline $(cat /proc/cmdline)"
say "cpus $(grep -c ^processor /proc/cpuinfo) model $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
if dmesg | grep -q 'Hypervisor detected: KVM'; then
	say "guest_accel kvm"
else
	say "guest_accel tcg"
fi

# The kernel's per-CPU batch and high of its Normal zone (CPU 0).
zone_pcp() {
	awk -v want="$1" '
		/^Node .*, zone/ { z = $4 }
		z == "Normal" && $1 == want ":" { print $2; exit }' /proc/zoneinfo
}
params=$(echo "${MMLAB_MODPARAMS:-}" | tr ',' ' ')
if [ "${MMLAB_PCP:-native}" != default ]; then
	batch=$(zone_pcp batch)
	high=$(zone_pcp high)
	if [ -n "$batch" ] && [ -n "$high" ]; then
		params="$params pcp_batch=$batch pcp_high=$high"
	fi
	say "native_pcp batch=${batch:-?} high=${high:-?}"
fi

say "insmod mmlab.ko $params"
# shellcheck disable=SC2086 # one word per parameter
if ! insmod /mmlab/mmlab.ko $params; then
	echo "mmlab-bench: done result=FAIL mmlab.ko did not load"
	exit 1
fi
if [ -w "$T/events/mmlab/enable" ]; then
	echo 0 >"$T/events/mmlab/enable"
	say "options mmlab_tracepoints=$(cat "$T/events/mmlab/enable")"
else
	say "options mmlab_tracepoints=absent"
fi

# The kernel's caches as they are, for the memory benchmark's kmalloc rows.
echo "mmlab-bench: begin slabinfo"
cat /proc/slabinfo 2>/dev/null
echo "mmlab-bench: end slabinfo"

bparams=$(echo "${MMLAB_BENCHPARAMS:-}" | tr ',' ' ')
start=$(date +%s)
# shellcheck disable=SC2086 # one word per parameter
insmod /mmlab/mmlab_bench.ko $bparams || rc=1
say "bench_seconds $(( $(date +%s) - start ))"
rmmod mmlab_bench 2>/dev/null
rmmod mmlab || rc=1
exit $rc
