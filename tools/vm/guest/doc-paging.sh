#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of tools/vm/capture-docs.sh: the paging and layout sessions of
# Documentation/tutorial/ (chapters 1 and 2).
#
# Runs inside the VM (busybox sh) on the test kernel, which has
# CONFIG_PTDUMP_DEBUGFS (/sys/kernel/debug/page_tables/) and no
# CONFIG_RANDOMIZE_MEMORY (the regions start at their documented bases).
# capture-docs.sh boots it twice, with 5-level paging and with no5lvl, and
# passes mmlab.levels=5 or 4 (MMLAB_LEVELS here): each session is named
# NAME-5l or NAME-4l. As doc-session.sh, every command is printed as
# "# COMMAND" and run, between "mmlab-doc: begin NAME" and
# "mmlab-doc: end NAME". No module is loaded: this is the host kernel alone.

L=${MMLAB_LEVELS:?mmlab.levels=4|5 missing}
P=/sys/kernel/debug/page_tables
fail=0

echo 1 >/proc/sys/kernel/printk

begin() { echo "mmlab-doc: begin $1-${L}l"; }
end() { echo "mmlab-doc: end $1-${L}l"; }

must() {
	echo "# $*"
	if ! sh -c "$*" 2>&1; then
		echo "mmlab-doc: failed: $*" >&2
		fail=1
	fi
}

# /tmp/split.sh ADDR: the index fields of a user virtual address, as the
# kernel's pgd_index() .. pte_index() compute them (shown by its session).
cat >/tmp/split.sh <<'SPLIT'
# split.sh ADDR [LEVELS] - the page-table index fields of a virtual address
a=$(($1)); levels=${2:-4}
printf 'address        0x%x\n' $a
if [ "$levels" = 5 ]; then
	printf 'pgd  (bits 56-48) %3d\n' $(( (a >> 48) & 511 ))
	printf 'p4d  (bits 47-39) %3d\n' $(( (a >> 39) & 511 ))
else
	printf 'pgd  (bits 47-39) %3d\n' $(( (a >> 39) & 511 ))
fi
printf 'pud  (bits 38-30) %3d\n' $(( (a >> 30) & 511 ))
printf 'pmd  (bits 29-21) %3d\n' $(( (a >> 21) & 511 ))
printf 'pte  (bits 20-12) %3d\n' $(( (a >> 12) & 511 ))
printf 'offset (bits 11-0) 0x%03x\n' $(( a & 4095 ))
SPLIT

begin cpuinfo
must "grep -m1 'address sizes' /proc/cpuinfo"
must "grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\\n' | grep -xE 'pse|pae|pge|pse36|pat|nx|lm|pdpe1gb|pcid|invpcid|la57|smep|smap' | tr '\\n' ' '; echo"
must "grep -o 'no5lvl' /proc/cmdline || echo 'no no5lvl: 5-level paging if the CPU has la57'"
end cpuinfo

begin split
must "cat /tmp/split.sh"
must "a=\$(awk '/\\[stack\\]/ { split(\$1, r, \"-\"); print r[1] }' /proc/self/maps); sh /tmp/split.sh 0x\$a $L"
end split

# One walk of the kernel's page tables (slow under TCG with KASAN's shadow),
# then the sessions read the copy.
begin ptdump-markers
must "cat $P/kernel > /tmp/kernel.txt"
must "grep -c . /tmp/kernel.txt"
must "awk '/^---/ { if (m) print m; m = \$0; next } m { split(\$1, r, \"-\"); print m, r[1]; m = \"\" }' /tmp/kernel.txt"
end ptdump-markers

begin ptdump-direct
must "awk '/Low Kernel Mapping/ { p = 1 } /vmalloc/ { p = 0 } p' /tmp/kernel.txt | head -n 12"
must "awk '/Low Kernel Mapping/ { p = 1 } /vmalloc/ { p = 0 } p && / pud\$/' /tmp/kernel.txt"
end ptdump-direct

begin ptdump-high
must "awk '/High Kernel Mapping/ { p = 1 } p' /tmp/kernel.txt | head -n 24"
end ptdump-high

begin meminfo
must "grep -E 'VmallocTotal|DirectMap|HighTotal|LowTotal' /proc/meminfo"
end meminfo

[ "$fail" = 0 ] || echo "mmlab-doc: some commands failed"
exit "$fail"
