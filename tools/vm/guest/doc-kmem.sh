#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of tools/vm/capture-docs.sh: the sessions of chapters 7 to 9
# of Documentation/tutorial/ (slab and kmalloc, vmalloc and the walk of a
# vmalloc address, mm_struct and VMAs), on the Debian kernel with mmlab.ko.
# Same conventions as doc-tutorial.sh: every command is printed as
# "# COMMAND" and run, between "mmlab-doc: begin NAME" and
# "mmlab-doc: end NAME".

D=/sys/kernel/debug/mmlab
fail=0

echo 1 >/proc/sys/kernel/printk

begin() { echo "mmlab-doc: begin $1"; }
end() { echo "mmlab-doc: end $1"; }

must() {
	echo "# $*"
	if ! sh -c "$*" 2>&1; then
		echo "mmlab-doc: failed: $*" >&2
		fail=1
	fi
}

field() { tail -n 1 "$D/handles" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

cd /mmlab || exit 1
must "insmod mmlab.ko" >/dev/null
cd "$D" || exit 1

# Chapter 7: a kmalloc, a cache of our own, shrink.
begin slab-kmalloc
must "head -n 2 /proc/slabinfo | tail -n 1"
must "grep -E '^kmalloc-(96|128) ' /proc/slabinfo"
must "echo 'kmalloc size=100' > control"
must "tail -n 1 handles"
must "grep -E '^(# name|kmalloc-128 )' slabinfo"
must "cat slab/kmalloc-128/params"
must "cat slab/kmalloc-128/slabs"
must "cat slab/kmalloc-128/cpu_caches"
end slab-kmalloc

begin slab-cache
must "echo 'cache_create name=demo size=200 align=64' > control"
must "cat slab/demo/params"
must "echo 'cache_alloc name=demo' > control"
must "echo 'cache_alloc name=demo' > control"
must "grep -E '^(# name|demo )' slabinfo"
must "cat slab/demo/slabs"
must "for id in \$(awk '/ demo/ || /cache=demo/ { print \$1 }' handles); do echo \"cache_free id=\$id\" > control; done"
must "cat slab/demo/cpu_caches"
must "echo shrink > control"
must "grep -E '^(# name|demo )' slabinfo"
must "echo 'cache_destroy name=demo' > control"
must "ls slab | tr '\n' ' '; echo"
end slab-cache
must "echo 'free all' > control" >/dev/null

# Chapter 8: vmalloc, the walk of its address, vfree.
begin vmalloc
must "echo 'vmalloc size=20480' > control"
must "tail -n 1 handles"
must "cat vmallocinfo"
must "cat vmap_areas"
must "cat pagetables"
addr=$(field addr)
must "echo $addr > walk"
must "cat walk"
must "grep -c vmalloc /proc/vmallocinfo"
end vmalloc

id=$(tail -n 1 "$D/handles" | awk '{ print $1 }')
begin vfree
must "echo 'vfree id=$id' > control"
must "cat vmallocinfo"
must "cat vmap_areas"
must "echo $addr > walk"
must "cat walk"
end vfree

# Chapter 9: a busybox shell's mm before and after it grows its heap
# (demand paging: brk moves at once, the pages come at first touch).
begin mm-demand
# The final ":" keeps the shell alive: without it busybox sh would exec
# the last command (sleep) in place, and the second read see a new mm.
echo "# sh -c 'sleep 3; x=\$(seq 1 8000); sleep 30; :' &"
sh -c 'sleep 3; x=$(seq 1 8000); sleep 30; :' &
pid=$!
sleep 1
must "grep -E 'heap|busybox' /proc/$pid/maps"
must "echo pid=$pid > mm"
must "cat mm"
must "sleep 4"
must "grep -E 'heap' /proc/$pid/maps"
must "cat mm"
must "grep -E '^(VmRSS|RssAnon|VmData)' /proc/$pid/status"
end mm-demand
kill "$pid" 2>/dev/null

must "cd /mmlab && rmmod mmlab" >/dev/null

[ "$fail" = 0 ] || echo "mmlab-doc: some commands failed"
exit "$fail"
