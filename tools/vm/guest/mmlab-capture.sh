#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script that captures mmlab's debugfs files as fixtures for tools/mmlab/tests.
#
# Runs inside the VM (busybox sh). Prints every file of
# /sys/kernel/debug/mmlab between "mmlab-capture: begin STATE/FILE" and
# "mmlab-capture: end STATE/FILE" markers, in three states: right after the
# load (load), after a few allocations through control (alloc), and after
# freeing them and draining the per-CPU lists (freed).
# tools/mmlab/tests/capture.sh boots it and cuts the files out of the console log.

D=/sys/kernel/debug/mmlab

# dump STATE - every readable file of mmlab's debugfs directory.
dump() {
	for f in "$D"/* "$D"/slab/*/*; do
		[ -f "$f" ] || continue
		name=${f#"$D"/}
		case "$name" in walk|mm) continue ;; esac
		echo "mmlab-capture: begin $1/$name"
		cat "$f"
		echo "mmlab-capture: end $1/$name"
	done
}

# walk STATE WHAT CMD - write CMD to walk and capture what it reads back.
walk() {
	[ -e "$D/walk" ] || return 0
	echo "mmlab-capture: walk $2: $3"
	if echo "$3" >"$D/walk"; then
		echo "mmlab-capture: begin $1/walk.$2"
		cat "$D/walk"
		echo "mmlab-capture: end $1/walk.$2"
	else
		echo "mmlab-capture: walk $2 refused"
	fi
}

ctl() {
	echo "$*" >"$D/control" || echo "mmlab-capture: command failed: $*"
}

insmod /mmlab/mmlab.ko || exit 1
echo "mmlab-capture: nproc $(grep -c ^processor /proc/cpuinfo)"
dump load

ctl alloc order=2
ctl alloc order=0
ctl alloc order=0
ctl alloc order=0 zone=DMA32
ctl alloc order=3 type=movable
ctl alloc order=1 zone=DMA type=reclaimable
ctl alloc order=10
ctl free id=2
if [ -e "$D/slabinfo" ]; then
	ctl cache_create name=capture size=200
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22; do
		ctl cache_alloc name=capture
	done
	ctl kmalloc size=100
	ctl kmalloc size=3000
fi
[ -e "$D/vmallocinfo" ] && ctl vmalloc size=20480
dump alloc
if [ -e "$D/walk" ]; then
	va=$(sed -n 's/.* vmalloc addr=\(0x[0-9a-f]*\).*/\1/p' "$D/handles" | head -n 1)
	[ -n "$va" ] && walk alloc vmalloc "$va"
	text=$(sed -n 's/^\([0-9a-f]*\) [Tt] _text$/\1/p' /proc/kallsyms | head -n 1)
	[ -n "$text" ] && walk alloc text "0x$text"
	walk alloc direct5 0xff11000000200000
	walk alloc direct4 0xffff888000200000
	user=$(sed -n '1s/^\([0-9a-f]*\)-.*/\1/p' /proc/1/maps)
	[ -n "$user" ] && walk alloc user "pid=1 0x$user"
	walk alloc unmapped 0x0000000000001000
	walk alloc noncanonical 0x0000800000000000
	if echo pid=1 >"$D/mm"; then
		echo "mmlab-capture: begin alloc/mm"
		cat "$D/mm"
		echo "mmlab-capture: end alloc/mm"
	fi
fi

ctl free all
ctl drain
dump freed

rmmod mmlab
exit 0
