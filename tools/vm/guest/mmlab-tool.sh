#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script: run the mmlab tool's commands in the VM and check them against debugfs.
#
# Runs inside the VM (busybox sh). Needs /mmlab/mmlab.ko and /mmlab/mmlab
# (tools/mmlab/mmlab, a static binary) in the initramfs, e.g.
#   tools/vm/boot.sh -k BZIMAGE -g mmlab-tool mmlab.ko tools/mmlab/mmlab
# Prints "mmlab-tool: ok|FAIL WHAT" per check, the map as SVG and as base64 PNG
# between "mmlab-tool: begin map.svg|map.png.b64" and "mmlab-tool: end ..."
# (tools/mmlab/tests/capture.sh --log LOG DIR extracts them), and ends with
# "mmlab-tool: N passed, N failed"; exits 1 if a check failed.

D=/sys/kernel/debug/mmlab
pass=0
fail=0

ok() {
	echo "mmlab-tool: ok $*"
	pass=$((pass + 1))
}

bad() {
	echo "mmlab-tool: FAIL $*"
	fail=$((fail + 1))
}

# expect WHAT CONDITION... - ok if the command succeeds.
expect() {
	what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

# has FILE TEXT - FILE contains TEXT (fixed string).
has() {
	grep -qF -- "$2" "$1"
}

# json_num FILE KEY - the first number after "KEY": in FILE.
json_num() {
	sed -n "s/.*\"$2\": \\(-\\{0,1\\}[0-9][0-9]*\\).*/\\1/p" "$1" | head -n 1
}

if [ ! -f /mmlab/mmlab ]; then
	bad "no /mmlab/mmlab in the initramfs (pass tools/mmlab/mmlab to boot.sh)"
	echo "mmlab-tool: $pass passed, $fail failed"
	exit 1
fi
cp /mmlab/mmlab /bin/mmlab && chmod 0755 /bin/mmlab

# --- The clear errors -----------------------------------------------------
umount /sys/kernel/debug 2>/dev/null
mmlab buddy >/tmp/out 2>&1
rc=$?
expect "debugfs not mounted: exit 1" [ "$rc" = 1 ]
expect "debugfs not mounted: message" has /tmp/out "debugfs is not mounted"
mount -t debugfs debugfs /sys/kernel/debug
mmlab buddy >/tmp/out 2>&1
rc=$?
expect "module not loaded: exit 1" [ "$rc" = 1 ]
expect "module not loaded: message" has /tmp/out "the mmlab module is not loaded"

# Not root: busybox su to a user of our own.
grep -q '^nobody:' /etc/passwd 2>/dev/null || echo 'nobody:x:65534:65534::/:/bin/sh' >>/etc/passwd
su -s /bin/sh nobody -c 'mmlab buddy' >/tmp/out 2>&1
rc=$?
expect "not root: exit 1" [ "$rc" = 1 ]
expect "not root: message" has /tmp/out "must be root"

if ! insmod /mmlab/mmlab.ko; then
	bad "insmod mmlab.ko"
	echo "mmlab-tool: $pass passed, $fail failed"
	exit 1
fi

# --- buddy: every zone's free blocks are buddyinfo's ----------------------
mmlab buddy >/tmp/buddy 2>&1
expect "mmlab buddy: exit 0" [ $? = 0 ]
cat "$D/buddyinfo" >/tmp/buddyinfo
while read -r _ _ _ zone rest; do
	want=$(echo $rest)
	got=$(grep -A3 "^Zone $zone " /tmp/buddy | sed -n 's/^  free blocks *//p' | head -n 1)
	got=$(echo $got)
	expect "mmlab buddy: zone $zone free blocks '$got' = buddyinfo '$want'" [ "$got" = "$want" ]
done </tmp/buddyinfo
mmlab --json buddy >/tmp/buddy.json
expect "mmlab --json buddy: exit 0" [ $? = 0 ]
expect "mmlab --json buddy: free_lists" has /tmp/buddy.json '"free_lists": ['

# --- pool: the totals line ------------------------------------------------
pages=$(sed -n 's/^total blocks=[0-9]* pages=\([0-9]*\) .*/\1/p' "$D/pool")
mmlab pool >/tmp/pool
expect "mmlab pool: $pages pages" has /tmp/pool "Pool: $pages pages"
expect "mmlab pool: validate ok" has /tmp/pool "validate: ok"

# --- map: the pages of each state are what the files say ------------------
echo "alloc order=3" >"$D/control"
free=$(awk '/pages free/ { s += $3 } END { print s }' "$D/zoneinfo")
pcp=$(awk 'NR > 1 { p = 1; for (i = 0; i < $3; i++) p *= 2; s += p } END { print s + 0 }' "$D/pcp_lists")
mmlab --json map --cell 1 >/tmp/map.json
expect "mmlab --json map: exit 0" [ $? = 0 ]
expect "mmlab map: $pages pages" [ "$(json_num /tmp/map.json pages)" = "$pages" ]
expect "mmlab map: free pages = zoneinfo's $free" [ "$(json_num /tmp/map.json free)" = "$free" ]
expect "mmlab map: per-cpu pages = pcp_lists' $pcp" \
	[ "$(json_num /tmp/map.json per-cpu)" = "$pcp" ]
expect "mmlab map: 8 pages allocated through control" \
	[ "$(sed -n '/pages_by_state/,/}/s/.*"pages": \([0-9]*\).*/\1/p' /tmp/map.json)" = 8 ]
mmlab map >/tmp/map.txt
expect "mmlab map: terminal view" has /tmp/map.txt "== zone Normal: pfn"
mmlab map --svg /tmp/map.svg --png /tmp/map.png >/dev/null
expect "mmlab map --svg: written" has /tmp/map.svg "</svg>"
expect "mmlab map --png: written" [ -s /tmp/map.png ]
echo "mmlab-tool: begin map.svg"
cat /tmp/map.svg
echo "mmlab-tool: end map.svg"
echo "mmlab-tool: begin map.png.b64"
base64 /tmp/map.png
echo "mmlab-tool: end map.png.b64"
echo "free all" >"$D/control"

# --- top: plain output off a terminal, rates from the counters -------------
(sleep 1; for i in 1 2 3 4 5 6 7 8 9 10; do echo "alloc order=0" >"$D/control"; done) &
mmlab top -n 2 -d 2 >/tmp/top 2>&1
expect "mmlab top: exit 0" [ $? = 0 ]
wait
expect "mmlab top: two samples" [ "$(grep -c '^rates/s:' /tmp/top)" = 2 ]
rate=$(sed -n 's/^rates\/s: alloc \([0-9.]*\) .*/\1/p' /tmp/top | tail -n 1)
expect "mmlab top: alloc rate $rate > 0 after 10 allocations" \
	sh -c '[ -n "$1" ] && [ "$1" != 0.0 ]' _ "$rate"
expect "mmlab top: zones" has /tmp/top "o10"
echo "free all" >"$D/control"
cat /tmp/top

# --- demo: split and merge -------------------------------------------------
mmlab demo buddy >/tmp/demo 2>&1
expect "mmlab demo buddy: exit 0" [ $? = 0 ]
expect "mmlab demo buddy: a split" has /tmp/demo "was split"
expect "mmlab demo buddy: merged back" has /tmp/demo "back to where it started"
cat /tmp/demo
mmlab --json demo buddy >/tmp/demo.json 2>&1
expect "mmlab --json demo buddy: exit 0" [ $? = 0 ]
expect "mmlab --json demo buddy: steps" has /tmp/demo.json '"free_lists_added": ['
expect "mmlab --json demo buddy: ok" has /tmp/demo.json '"ok": true'
for s in slab vmalloc; do
	case $s in slab) f=slabinfo ;; vmalloc) f=vmallocinfo ;; esac
	[ -e "$D/$f" ] || continue
	mmlab demo $s >/tmp/demo 2>&1
	expect "mmlab demo $s: exit 0" [ $? = 0 ]
	cat /tmp/demo
done
expect "demo leaves no handle" [ "$(wc -l <"$D/handles")" = 1 ]

# --- slab, vmalloc, walk: when this mmlab.ko has them ----------------------
if [ -e "$D/slabinfo" ]; then
	mmlab slab >/tmp/slab
	expect "mmlab slab: kmalloc-8k" has /tmp/slab "kmalloc-8k"
fi
if [ -e "$D/vmallocinfo" ]; then
	mmlab vmalloc >/tmp/vm
	expect "mmlab vmalloc: exit 0" [ $? = 0 ]
fi
if [ -e "$D/walk" ]; then
	text=$(sed -n 's/^\([0-9a-f]*\) [Tt] _text$/\1/p' /proc/kallsyms | head -n 1)
	mmlab walk "0x$text" >/tmp/walk
	expect "mmlab walk _text: exit 0" [ $? = 0 ]
	expect "mmlab walk _text: mapped" has /tmp/walk "result: mapped"
	expect "mmlab walk _text: indices agree" [ -z "$(grep -F '[!]' /tmp/walk)" ]
	phys=$(sed -n 's/^phys *\(0x[0-9a-f]*\).*/\1/p' "$D/walk")
	expect "mmlab walk _text: phys of the walk file" has /tmp/walk "physical address $(printf '0x%x' "$phys")"
	cat /tmp/walk
	mmlab walk --pid 1 0x1 >/tmp/walk 2>&1
	expect "mmlab walk --pid 1 0x1: exit 0" [ $? = 0 ]
else
	mmlab walk 0x1000 >/tmp/walk 2>&1
	expect "mmlab walk without walk file: clear error" has /tmp/walk "no page-table walker"
fi

rmmod mmlab
mmlab pool >/tmp/out 2>&1
expect "after rmmod: not loaded" has /tmp/out "the mmlab module is not loaded"

echo "mmlab-tool: $pass passed, $fail failed"
[ "$fail" = 0 ]
