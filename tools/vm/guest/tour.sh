#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of `make run`: load mmlab.ko and tour /sys/kernel/debug/mmlab.
#
# Runs inside the VM (busybox sh). Exits non-zero only if mmlab.ko does not
# load; a debugfs file this build of mmlab lacks is reported, not faked.
# MMLAB_MODPARAMS (kernel argument mmlab.modparams=a=1,b=2) are passed to insmod.

D=/sys/kernel/debug/mmlab

step() {
	echo
	echo "=== $* ==="
}

# show FILE [N] - print a debugfs file of mmlab (its first N lines).
show() {
	if [ ! -e "$D/$1" ]; then
		echo "(this build of mmlab has no $D/$1)"
		return 1
	fi
	echo "# cat $D/$1${2:+ | head -n $2}"
	if [ -n "$2" ]; then
		cat "$D/$1" >/tmp/show || echo "(reading $1 failed)"
		head -n "$2" /tmp/show
		echo "... ($(wc -l </tmp/show) lines)"
	else
		cat "$D/$1" || echo "(reading $1 failed)"
	fi
}

# control CMD - write one command to mmlab's control file.
control() {
	echo "# echo \"$*\" > $D/control"
	if [ ! -e "$D/control" ]; then
		echo "(this build of mmlab has no $D/control)"
		return 1
	fi
	echo "$*" >"$D/control" || { echo "(the command failed)"; return 1; }
}

# in_free_lists PFN - print the free_lists row of the block holding PFN.
in_free_lists() {
	[ -e "$D/free_lists" ] || return 1
	while read -r zone order type start end; do
		case "$start" in 0x*) ;; *) continue ;; esac
		if [ $((start)) -le $(($1)) ] && [ $(($1)) -lt $((end)) ]; then
			echo "free_lists: $zone $order $type $start $end"
			echo "-> PFN $1 is back in a free order-$order block"
			return 0
		fi
	done <"$D/free_lists"
	return 1
}

step "Load mmlab.ko"
params=$(echo "${MMLAB_MODPARAMS:-}" | tr ',' ' ')
echo "# insmod /mmlab/mmlab.ko $params"
# shellcheck disable=SC2086 # one word per parameter
if ! insmod /mmlab/mmlab.ko $params; then
	echo "mmlab-tour: mmlab.ko failed to load"
	dmesg | tail -n 20
	exit 1
fi
ls "$D"

step "The borrowed pool: blocks taken from the host kernel (pool)"
show pool

step "Free blocks per zone and order, as /proc/buddyinfo (buddyinfo)"
show buddyinfo

step "The first zone in detail: watermarks, per-CPU lists, counters (zoneinfo)"
if [ -e "$D/zoneinfo" ]; then
	echo "# cat $D/zoneinfo (first zone)"
	awk '/^Node/ { n++ } n <= 1' "$D/zoneinfo" || echo "(reading zoneinfo failed)"
else
	echo "(this build of mmlab has no $D/zoneinfo)"
fi

step "Allocate an order-3 block (8 pages) through control"
id=""
pfn=""
if control "alloc order=3"; then
	show handles
	row=$(tail -n 1 "$D/handles")
	id=$(echo "$row" | awk '{ print $1 }')
	pfn=$(echo "$row" | awk '{ print $2 }')
	echo "-> the new block is handle $id at PFN $pfn"
fi

step "Free blocks after the allocation (buddyinfo)"
show buddyinfo

step "The free lists: one row per free block (free_lists)"
show free_lists 12

if [ -n "$id" ]; then
	step "Free handle $id"
	control "free id=$id"
	show handles

	step "Free blocks after the free (buddyinfo)"
	show buddyinfo

	step "Where PFN $pfn went"
	if ! in_free_lists "$pfn" && [ -e "$D/pcp_lists" ]; then
		echo "not in the free lists: kept on a per-CPU list (pcp_lists), as the kernel keeps low orders"
		grep -w "$pfn" "$D/pcp_lists"
		echo "-> drain the per-CPU lists back to the free lists"
		control drain && show buddyinfo && in_free_lists "$pfn"
	fi
fi

if [ -e "$D/slabinfo" ]; then
	step "The object allocator: mmlab's caches, as /proc/slabinfo (slabinfo)"
	show slabinfo

	step "A cache of 64-byte objects: its slabs change as objects come and go"
	ids=""
	if control "cache_create name=tour size=64"; then
		show slab/tour/params 16
		show slab/tour/slabs
		i=0
		while [ "$i" -lt 3 ]; do
			control "cache_alloc name=tour" || break
			ids="$ids $(tail -n 1 "$D/handles" | awk '{ print $1 }')"
			i=$((i + 1))
		done
		show handles
		echo "-> A: allocated to us; c: taken from the slab in a batch, waiting in"
		echo "   this CPU's array cache; .: free on the slab's freelist"
		show slab/tour/slabs
		show slab/tour/cpu_caches
		for id in $ids; do
			control "cache_free id=$id"
		done
		echo "-> the objects went back to the CPU's array cache (c), not to the slab"
		show slab/tour/slabs
		control shrink
		echo "-> shrink drained the arrays and gave the free slab back to the buddy"
		show slab/tour/slabs
		control "cache_destroy name=tour"
	fi

	step "kmalloc: 100 bytes come from kmalloc-128 (handles)"
	if control "kmalloc size=100"; then
		show handles
		id=$(tail -n 1 "$D/handles" | awk '{ print $1 }')
		control "kfree id=$id"
	fi
fi

if [ -f /mmlab/mmlab ]; then
	cp /mmlab/mmlab /bin/mmlab && chmod 0755 /bin/mmlab
	step "The same at a glance: mmlab(8)"
	echo "# mmlab top -n 1 | cat    (on a terminal it is live: keys s p q)"
	mmlab top -n 1 | cat
	echo "# mmlab map --cell 64 | head -n 12"
	mmlab map --cell 64 >/tmp/map && head -n 12 /tmp/map
	echo "# mmlab demo buddy"
	mmlab demo buddy
fi

step "Done"
echo "mmlab is loaded; its files are in $D."
[ -x /bin/mmlab ] && echo "mmlab(8) is /bin/mmlab: try 'mmlab top', 'mmlab map', 'mmlab demo all'."
exit 0
