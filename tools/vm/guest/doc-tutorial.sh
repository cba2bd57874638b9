#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of tools/vm/capture-docs.sh: the sessions of
# Documentation/tutorial/ that need the Debian kernel and mmlab.ko
# (chapters 2 to 6: the host's memory map, zones, buddy, per-CPU lists,
# page metadata, each next to mmlab's files).
#
# Runs inside the VM (busybox sh), on a boot of its own so that its state
# does not change the sessions of doc-session.sh. As there, every command is
# printed as "# COMMAND" and run, between "mmlab-doc: begin NAME" and
# "mmlab-doc: end NAME"; the sessions run in order and each starts from the
# state the previous one left.

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

# last_pfn / last_id - PFN and id of the newest handle.
last_pfn() { tail -n 1 "$D/handles" | awk '{ print $2 }'; }
last_id() { tail -n 1 "$D/handles" | awk '{ print $1 }'; }

cd /mmlab || exit 1

# Chapter 2 and 3: the host kernel alone, before mmlab is loaded.
begin host-iomem
must "grep -vE '^ {4}' /proc/iomem"
end host-iomem

begin host-maps
must "cat /proc/self/maps"
end host-maps

begin host-zone-ranges
must "dmesg | grep -A 11 'Zone ranges:' | cut -c 16-"
end host-zone-ranges

begin host-zoneinfo
must "awk '/^Node/ || /pages free/ || /^ +(min|low|high|spanned|present|managed) / || /protection/' /proc/zoneinfo"
end host-zoneinfo

must "insmod mmlab.ko" >/dev/null
cd "$D" || exit 1

# Chapter 3: mmlab's zones, in the same format.
begin zones
must "awk '/^Node/ || /pages free/ || /^ +(min|low|high|spanned|present|managed) / || /protection/' zoneinfo"
must "cat /proc/buddyinfo"
must "cat buddyinfo"
end zones

# Chapter 4: one order-0 page from the 512-page DMA zone splits its order-9
# block all the way down; every leftover half is the buddy of the next.
begin buddy-split
must "awk '\$1 == \"DMA\"' free_lists"
must "echo 'alloc order=0 zone=DMA' > control"
must "cat handles"
must "awk '\$1 == \"DMA\"' free_lists"
must "grep ' DMA ' buddyinfo"
end buddy-split

id=$(last_id)
begin buddy-merge
must "echo 'free id=$id' > control"
must "cat pcp_lists"
must "echo drain > control"
must "cat pcp_lists"
must "awk '\$1 == \"DMA\"' free_lists"
must "awk '/zone +DMA\$/ { z = 1 } /zone +DMA32/ { z = 0 } z' zoneinfo | grep -E ' (alloc|free|split|merge) '"
end buddy-merge

# Chapter 5: per-CPU lists. Allocations on CPU 0 and 1 (taskset), frees on
# the other CPU, the counters, and a drain.
begin pcp
must "awk '/zone +Normal/ { z = 1 } z && /cpu:|count:|high:|batch:/' zoneinfo"
must "taskset 1 sh -c \"echo 'alloc order=0' > control\""
must "cat pcp_lists"
must "taskset 1 sh -c \"echo 'alloc order=0' > control\""
must "taskset 2 sh -c \"echo 'alloc order=0' > control\""
must "cat handles"
must "cat pcp_lists"
must "for id in \$(awk 'NR > 1 { print \$1 }' handles); do taskset 2 sh -c \"echo 'free id=\$id' > control\"; done"
must "cat pcp_lists"
must "awk '/zone +Normal/ { z = 1 } z && /cpu:|count:/' zoneinfo"
must "awk '/zone +Normal/ { z = 1 } z && /pcp_/' zoneinfo"
must "echo drain > control"
must "cat pcp_lists"
must "awk '/zone +Normal/ { z = 1 } z && /pcp_drain/' zoneinfo"
end pcp

# Chapter 6: mmlab's page metadata and the host's struct page of the same
# pages (/proc/kpagecount, /proc/kpageflags: one 64-bit word per PFN), while
# mmlab holds them and after its unload gave them back.
begin page-meta
must "tail -n 1 pool"
must "echo 'alloc order=2' > control"
must "cat handles"
pfn=$(($(last_pfn)))
must "dd if=/proc/kpagecount bs=8 skip=$pfn count=4 2>/dev/null | od -An -v -td8"
must "dd if=/proc/kpageflags bs=8 skip=$pfn count=4 2>/dev/null | od -An -v -tx8"
must "cat validate"
must "echo 'free all' > control"
must "echo drain > control"
must "cd /mmlab && rmmod mmlab"
must "dd if=/proc/kpageflags bs=8 skip=$pfn count=4 2>/dev/null | od -An -v -tx8"
end page-meta

[ "$fail" = 0 ] || echo "mmlab-doc: some commands failed"
exit "$fail"
