#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of tools/vm/capture-docs.sh: the sessions Documentation/ shows.
#
# Runs inside the VM (busybox sh). Each session is printed between the
# console lines "mmlab-doc: begin NAME" and "mmlab-doc: end NAME";
# capture-docs.sh cuts them out of the console log into
# Documentation/sessions/NAME.txt, which the pages include. Every command is
# printed as "# COMMAND" and then run, so the files show exactly what was
# typed and what it printed. The sessions run in order on one VM: each starts
# from the state the previous one left.

D=/sys/kernel/debug/mmlab
T=/sys/kernel/tracing
fail=0

# Kernel messages go to the log buffer only, not between the sessions' lines.
echo 1 >/proc/sys/kernel/printk

begin() { echo "mmlab-doc: begin $1"; }
end() { echo "mmlab-doc: end $1"; }

# run COMMAND - print "# COMMAND", run it with sh, print what it prints.
run() {
	echo "# $*"
	sh -c "$*" 2>&1
}

# must COMMAND - as run, and remember a failure (capture-docs.sh fails).
must() {
	echo "# $*"
	if ! sh -c "$*" 2>&1; then
		echo "mmlab-doc: failed: $*" >&2
		fail=1
	fi
}

# last_id - id of the newest handle.
last_id() {
	tail -n 1 "$D/handles" | awk '{ print $1 }'
}

cd /mmlab || exit 1

begin load-fail
run "insmod mmlab.ko dma_mb=100"
run "insmod mmlab.ko pool_mb=16 dma_mb=16 dma32_mb=0"
run "dmesg | grep 'mmlab:'"
run "ls /sys/kernel/debug/mmlab"
end load-fail
dmesg -c >/dev/null

begin load
run "grep MemFree /proc/meminfo"
must "insmod mmlab.ko"
run "grep MemFree /proc/meminfo"
run "dmesg | grep 'mmlab:'"
run "ls /sys/kernel/debug/mmlab"
run "grep . /sys/module/mmlab/parameters/*"
end load

cd "$D" || exit 1

for f in pool buddyinfo pagetypeinfo zoneinfo free_lists extfrag_index \
	 unusable_index control handles pcp_lists validate; do
	begin "$f"
	must "cat $f"
	end "$f"
done

begin host-buddyinfo
run "cat /proc/buddyinfo"
end host-buddyinfo

# The worked example of buddy.rst: an order-2 request splits an order-10
# block (through the per-CPU list refill), then its free merges it back.
begin split
must "awk '\$1 == \"Normal\"' free_lists | head -n 4"
must "echo 'alloc order=2' > control"
must "cat handles"
must "awk '\$1 == \"Normal\" && \$2 < 10' free_lists"
must "cat pcp_lists"
must "grep Normal buddyinfo"
end split

id=$(last_id)
begin merge
must "echo 'free id=$id' > control"
must "cat handles"
must "cat pcp_lists"
must "echo drain > control"
must "cat pcp_lists"
must "awk '\$1 == \"Normal\" && \$2 < 10' free_lists"
must "grep Normal buddyinfo"
must "awk '/zone +Normal/ { z = 1 } z && /counters/ { c = 1 } z && c' zoneinfo"
end merge

begin pagetypeinfo-after
must "cat pagetypeinfo"
end pagetypeinfo-after

begin trace
must "echo 1 > $T/events/mmlab/enable"
must "echo 'alloc order=2' > control"
id=$(last_id)
must "echo 'free id=$id' > control"
must "echo drain > control"
must "echo 0 > $T/events/mmlab/enable"
must "grep -v '^#' $T/trace"
end trace
echo >"$T/trace"

# Fragment the DMA zone: fill it with order-0 blocks, then free every other
# one, so that few free pages have a free buddy.
begin fragment
must "for i in \$(seq 1024); do echo 'alloc order=0 zone=DMA' > control 2>/dev/null || break; done"
must "tail -n 1 handles"
must "grep ' DMA ' buddyinfo"
must "for id in \$(awk 'NR > 1 && \$1 % 2 == 0 { print \$1 }' handles); do echo \"free id=\$id\" > control; done"
must "echo drain > control"
must "grep ' DMA ' buddyinfo"
must "grep ' DMA ' extfrag_index"
must "grep ' DMA ' unusable_index"
must "cat validate"
must "echo 'free all' > control"
must "echo drain > control"
must "grep ' DMA ' buddyinfo"
end fragment

# Zone fallback: DMA32 requests until DMA32 is below its low watermark; the
# last one is served by DMA.
begin fallback
must "echo 1 > $T/events/mmlab/mmlab_zone_fallback/enable"
must "for i in \$(seq 64); do echo 'alloc order=7 zone=DMA32' > control || break; done"
must "tail -n 3 handles"
must "grep DMA buddyinfo"
must "awk '/zone +DMA32/ { z = 1 } /zone +Normal/ { z = 0 } z' zoneinfo | grep -E 'pages free|min|low|wmark_fail|zone_fallback'"
must "awk '/zone +DMA\$/ { z = 1 } /zone +DMA32/ { z = 0 } z' zoneinfo | grep -E 'pages free|protection|zone_fallback'"
must "grep -v '^#' $T/trace"
must "echo 0 > $T/events/mmlab/mmlab_zone_fallback/enable"
must "echo 'free all' > control"
must "echo drain > control"
end fallback
echo >"$T/trace"

# Fault injection: fail the next page allocation, once.
dmesg -c >/dev/null
begin faults
must "ls fail_page_alloc"
must "echo 100 > fail_page_alloc/probability"
must "echo 1 > fail_page_alloc/times"
run "echo 'alloc order=0' > control"
must "cat fail_page_alloc/injected fail_page_alloc/times"
must "echo 'alloc order=0' > control"
must "cat handles"
run "dmesg | grep fail_page_alloc"
must "echo 0 > fail_page_alloc/probability"
must "echo 'free all' > control"
end faults

begin errors
run "echo 'alloc order=11' > control"
run "echo 'alloc order=2 order=3' > control"
run "echo 'alloc order=2 zone=HighMem' > control"
run "echo 'free id=12345' > control"
run "echo 'allocate order=2' > control"
run "echo -e 'drain\\ndrain' > control"
run "dmesg | grep 'mmlab: control' | tail -n 6"
run "cat handles"
end errors

dmesg -c >/dev/null
begin unload
must "echo 'alloc order=3' > control"
must "cat handles"
must "insmod /mmlab/mmlab_stress.ko seconds=0 leak_pages=37"
must "rmmod mmlab_stress"
must "rmmod mmlab"
run "dmesg"
run "ls /sys/kernel/debug/mmlab"
run "grep MemFree /proc/meminfo"
end unload

[ "$fail" = 0 ] || echo "mmlab-doc: some commands failed"
exit "$fail"
