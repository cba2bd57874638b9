#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script: mmlab's load and unload under failure, on any kernel.
#
# Checks that a pool larger than the VM can give, or a borrow failure
# injected at load, fails insmod with ENOMEM and leaves nothing (no debugfs
# directory, the host's free memory back); that invalid parameters are
# refused with a message; that a module using mmlab's API pins it; that
# unloading with allocations outstanding returns every page and says how
# many; that repeated load/unload cycles return all memory; and that every
# debugfs file is root-only. Prints "mmlab-lifecycle: PASS|FAIL <case>" per
# case and a final "mmlab-lifecycle: N passed, N failed"; exits non-zero on
# any failure.

D=/sys/kernel/debug/mmlab
pass=0
fail=0

ok() {
	echo "mmlab-lifecycle: PASS $*"
	pass=$((pass + 1))
}

ko() {
	echo "mmlab-lifecycle: FAIL $*"
	fail=$((fail + 1))
}

memfree_kb() {
	sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo
}

# settled_memfree - MemFree after the host's caches had a moment to settle.
settled_memfree() {
	sync
	echo 1 >/proc/sys/vm/drop_caches 2>/dev/null
	sleep 1
	memfree_kb
}

# Host memory a failed load or an unload may leave in the host's per-CPU
# lists and slab caches, not lost: MemFree may come back up to 4 MiB short.
TOL=4096

# refuse CASE ERRNO-TEXT PARAMS... - insmod must fail with that error text
# and leave no trace.
refuse() {
	name=$1
	want=$2
	shift 2
	before=$(settled_memfree)
	if insmod /mmlab/mmlab.ko "$@" 2>/tmp/insmod.err; then
		ko "$name: insmod $* succeeded"
		rmmod mmlab
		return
	fi
	if ! grep -q "$want" /tmp/insmod.err; then
		ko "$name: insmod said '$(cat /tmp/insmod.err)', expected '$want'"
		return
	fi
	if [ -e "$D" ] || grep -q '^mmlab ' /proc/modules; then
		ko "$name: something was left behind after the failed load"
		return
	fi
	after=$(settled_memfree)
	if [ "$after" -lt $((before - TOL)) ]; then
		ko "$name: MemFree $before kB before, $after kB after the failed load"
		return
	fi
	ok "$name ($(dmesg | grep 'mmlab:' | tail -n 1 | sed 's/^\[[^]]*\] //'))"
}

dmesg -n 1

refuse "pool larger than the VM" "Cannot allocate memory" pool_mb=65536
refuse "borrow failure injected" "Cannot allocate memory" \
	fail_borrow=1,100,0,-1
refuse "borrow failure after 8 MiB" "Cannot allocate memory" \
	fail_borrow=1,100,8388608,-1
refuse "pool_mb=0" "Invalid argument" pool_mb=0 dma_mb=0 dma32_mb=0
refuse "dma_mb + dma32_mb > pool_mb" "Invalid argument" pool_mb=8 dma_mb=4 dma32_mb=8
refuse "min_free_kbytes above half the pool" "Invalid argument" \
	pool_mb=8 dma_mb=0 dma32_mb=0 min_free_kbytes=8192
refuse "malformed fault parameter" "Invalid argument" fail_page_alloc=1,200,0,1
refuse "non-numeric pool_mb" "Invalid argument" pool_mb=lots

# Repeated cycles give every page back.
before=$(settled_memfree)
i=0
while [ $i -lt 3 ]; do
	insmod /mmlab/mmlab.ko pool_mb=64 || ko "cycle $i: insmod"
	echo "alloc order=3" >"$D/control"
	rmmod mmlab || ko "cycle $i: rmmod"
	i=$((i + 1))
done
after=$(settled_memfree)
if [ "$after" -ge $((before - TOL)) ]; then
	ok "3 load/unload cycles of 64 MiB: MemFree $before -> $after kB"
else
	ko "3 load/unload cycles: MemFree $before kB before, $after kB after"
fi

if [ -e /mmlab/mmlab_stress.ko ]; then
	# A module that uses mmlab's API pins it.
	insmod /mmlab/mmlab.ko pool_mb=64 || ko "insmod for pinning"
	if insmod /mmlab/mmlab_stress.ko seconds=1 phase_ms=200 exhaust_every=0 \
		host_pressure_mb=0; then
		if rmmod mmlab 2>/dev/null; then
			ko "rmmod mmlab succeeded while mmlab_stress uses it"
		else
			ok "mmlab_stress pins mmlab: rmmod mmlab refused"
		fi
		rmmod mmlab_stress || ko "rmmod mmlab_stress"
	else
		ko "mmlab_stress did not load"
	fi

	# Unloading with pages outstanding: a module that leaked 37 pages,
	# and blocks still held through control.
	insmod /mmlab/mmlab_stress.ko seconds=0 leak_pages=37 || ko "leak 37 pages"
	rmmod mmlab_stress
	for o in 0 3 5 10; do
		echo "alloc order=$o" >"$D/control" || ko "alloc order=$o"
	done
	dmesg -c >/dev/null
	rmmod mmlab || ko "rmmod with allocations"
	said=$(dmesg | sed -n 's/.*unload reclaimed \([0-9]*\) pages still allocated.*/\1/p')
	if [ "$said" = 37 ]; then
		ok "rmmod after a module leaked 37 pages: 'unload reclaimed $said pages'"
	else
		ko "rmmod after a module leaked 37 pages reported '${said:-nothing}'"
	fi
	if dmesg | grep -q 'WARNING:'; then
		ko "rmmod with allocations outstanding WARNed"
	fi
fi

# Every file root-only.
insmod /mmlab/mmlab.ko pool_mb=64 || ko "insmod for permissions"
bad=$(find "$D" -type f -perm /077 2>/dev/null)
if [ -z "$bad" ]; then
	ok "every file under $D is accessible to root only"
else
	ko "files open to others: $bad"
fi
rmmod mmlab

echo "mmlab-lifecycle: $pass passed, $fail failed"
[ "$fail" = 0 ]
