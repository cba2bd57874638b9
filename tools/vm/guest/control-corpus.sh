#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script: mmlab's control file against a corpus of bad writes, then good commands.
#
# Runs inside the VM (busybox sh) with /mmlab/mmlab.ko; loads it fresh. Every
# write of control-bad.txt (next to this script, or in /mmlab/) must fail
# with EINVAL and leave handles, buddyinfo, free_lists and pcp_lists
# byte-identical (zoneinfo too, counters included, over the whole corpus).
# Then good commands: alloc (every form of the grammar), handles showing
# each new block last, free, drain, free all, -ENOMEM on an exhausted pool,
# readers during concurrent commands, and unload with live handles. Prints
# "PASS name" or "FAIL name" per case and ends with
# "control-corpus: N passed, N failed"; exits 1 if any case failed.

D=/sys/kernel/debug/mmlab
C=$D/control
T=/tmp/control-corpus
# shellcheck source=corpus-lib.sh
. "$(dirname "$0")/corpus-lib.sh"

# write FMT [seek] - one write() of printf FMT to control (see write_to).
write() {
	write_to "$C" "$@"
}

# snap [zoneinfo] - print the state a refused write must not change:
# handles, buddyinfo, free_lists, pcp_lists, and zoneinfo (whose counters
# count failed allocations too) if asked.
snap() {
	if [ "$1" = zoneinfo ]; then
		cat "$D/handles" "$D/buddyinfo" "$D/free_lists" "$D/pcp_lists" "$D/zoneinfo"
	else
		cat "$D/handles" "$D/buddyinfo" "$D/free_lists" "$D/pcp_lists"
	fi
}

last_handle() {
	tail -n 1 "$D/handles"
}

nr_handles() {
	echo $(($(wc -l <"$D/handles") - 1))
}

# pages_accounted - free list pages + per-CPU pages + pages held by handles.
# (busybox awk may lack math: no 2 ^ order).
pages_accounted() {
	{
		awk 'NR > 1 { p = 1; for (i = 0; i < $2; i++) p *= 2; s += p } END { print s + 0 }' "$D/free_lists"
		awk 'NR > 1 { p = 1; for (i = 0; i < $3; i++) p *= 2; s += p } END { print s + 0 }' "$D/pcp_lists"
		awk 'NR > 1 { p = 1; for (i = 0; i < $3; i++) p *= 2; s += p } END { print s + 0 }' "$D/handles"
	} | awk '{ s += $1 } END { print s + 0 }'
}

# on_free_list PFN - PFN lies in a block of the free lists.
on_free_list() {
	sed 1d "$D/free_lists" | while read -r _ _ _ start end; do
		if [ $((start)) -le $(($1)) ] && [ $(($1)) -lt $((end)) ]; then
			echo yes
			break
		fi
	done | grep -q yes
}

pool_pages() {
	sed -n 's/^total .*pages=\([0-9]*\) .*$/\1/p' "$D/pool"
}

corpus_start control-bad.txt control-corpus

# --- the files and their headers
cut -d' ' -f1,2,4,5 "$D/free_lists" | sort >"$T/free.load"
cp "$D/buddyinfo" "$T/buddyinfo.load"
check "control mode 0600, handles 0400" \
	sh -c "ls -l $C | grep -q '^-rw-------' && ls -l $D/handles | grep -q '^-r--------'"
cat "$C" >"$T/usage"
check "usage: alloc" grep -qx 'alloc order=N \[zone=DMA|DMA32|Normal\] \[type=unmovable|movable|reclaimable\]  # .*' "$T/usage"
check "usage: free id" grep -qx 'free id=N  # .*' "$T/usage"
check "usage: free all" grep -qx 'free all  # .*' "$T/usage"
check "usage: drain" grep -qx 'drain  # .*' "$T/usage"
check "handles: header only" [ "$(cat "$D/handles")" = "id pfn order zone type detail" ]
check "pcp_lists: empty after load" [ "$(cat "$D/pcp_lists")" = "cpu zone order type pfn" ]

# --- two live handles for the corpus
write 'alloc order=0\n'
check "alloc order=0 -> id 1" sh -c "[ $rc = 0 ] && tail -n 1 $D/handles | grep -Eqx '1 0x[0-9a-f]+ 0 Normal (unmovable|movable|reclaimable)'"
write 'alloc order=2 zone=DMA32 type=movable'
check "alloc order=2 zone=DMA32 type=movable -> id 2" sh -c "[ $rc = 0 ] && tail -n 1 $D/handles | grep -Eqx '2 0x[0-9a-f]+ 2 DMA32 (unmovable|movable|reclaimable)'"

# --- the bad writes
if [ -z "$corpus" ]; then
	ko "corpus control-bad.txt not found"
else
	n=0
	# Nothing may change: each write's "after" is the next one's "before";
	# zoneinfo (counters too) is compared over the whole corpus.
	snap zoneinfo >"$T/corpus.before"
	before=$(snap)
	while IFS= read -r line; do
		case "$line" in
		'#'*|'') continue ;;
		esac
		n=$((n + 1))
		case "$line" in
		'@seek '*) write "${line#@seek }" seek ;;
		*) write "$line" ;;
		esac
		after=$(snap)
		if ! errno_is 'Invalid argument'; then
			ko "bad $n '$line': not refused with EINVAL (rc $rc: $(head -n 1 "$T/err"))"
		elif [ "$before" != "$after" ]; then
			ko "bad $n '$line': state changed"
		else
			ok "bad $n '$line'"
		fi
		before=$after
	done <"$corpus"
	echo "control-corpus: $n bad writes from $corpus"
	snap zoneinfo >"$T/corpus.after"
	check "$n bad writes changed nothing, counters included" \
		cmp -s "$T/corpus.before" "$T/corpus.after"
fi
check "no WARNING or BUG from bad writes" sh -c "! dmesg | grep -Eq 'WARNING|BUG|Oops'"

# --- good writes: every form of the grammar
write 'alloc order=1\n'
check "alloc order=1 with newline -> id 3, last row" sh -c "[ $rc = 0 ] && tail -n 1 $D/handles | grep -Eq '^3 0x[0-9a-f]+ 1 Normal '"
write '\talloc \t order=0x3\tzone=Normal  type=reclaimable \t'
check "blanks, tabs, 0x hex, no newline -> id 4" sh -c "[ $rc = 0 ] && tail -n 1 $D/handles | grep -Eq '^4 0x[0-9a-f]+ 3 Normal '"
write 'alloc order=010'
check "order=010 is decimal 10 -> id 5" sh -c "[ $rc = 0 ] && tail -n 1 $D/handles | grep -Eq '^5 0x[0-9a-f]+ 10 Normal '"
write 'alloc type=unmovable zone=DMA order=0'
check "keys in any order, zone=DMA -> id 6" sh -c "[ $rc = 0 ] && tail -n 1 $D/handles | grep -Eq '^6 0x[0-9a-f]+ 0 DMA '"
write 'drain%250s\n'
check "256-byte write accepted" [ "$rc" = 0 ]
check "handles in id order" sh -c "[ \"\$(sed 1d $D/handles | cut -d' ' -f1 | tr '\n' ' ')\" = '1 2 3 4 5 6 ' ]"
check "pages accounted: free + pcp + handles = pool ($(pages_accounted) of $(pool_pages))" \
	[ "$(pages_accounted)" = "$(pool_pages)" ]

write 'free id=5'
check "free id=5" sh -c "[ $rc = 0 ] && ! cut -d' ' -f1 $D/handles | grep -qx 5"
write 'free id=5'
check "free id=5 again: EINVAL" errno_is 'Invalid argument'
write 'alloc order=0'
check "ids are not reused: next is 7" sh -c "[ $rc = 0 ] && tail -n 1 $D/handles | grep -Eq '^7 '"

# --- -ENOMEM: a valid request the pool cannot satisfy changes nothing
snap >"$T/before"
write 'alloc order=10 zone=DMA'
snap >"$T/after"
check "alloc order=10 zone=DMA: ENOMEM" errno_is 'Cannot allocate memory'
check "ENOMEM changed nothing" cmp -s "$T/before" "$T/after"

# --- per-CPU lists: an order-0 free goes to them, drain empties them
write 'drain'
write 'alloc order=0'
pfn=$(last_handle | cut -d' ' -f2)
id=$(last_handle | cut -d' ' -f1)
write "free id=$id"
check "freed order-0 block $pfn is on a per-CPU list" grep -Eq "^[0-9]+ Normal 0 [a-z]+ $pfn\$" "$D/pcp_lists"
write 'drain'
check "drain empties every per-CPU list" [ "$(cat "$D/pcp_lists")" = "cpu zone order type pfn" ]
check "drained block $pfn is back on a free list" on_free_list "$pfn"

# --- the same open file: the second write is not at offset 0
exec 3>"$C"
printf 'drain' >&3
r1=$?
printf 'drain' >&3 2>/dev/null
r2=$?
exec 3>&-
check "second write on one open file refused" sh -c "[ $r1 = 0 ] && [ $r2 != 0 ]"

# --- exhaustion: order-10 blocks until the pool says no
i=0
while [ $i -lt 200 ]; do
	write 'alloc order=10 type=movable'
	[ "$rc" = 0 ] || break
	i=$((i + 1))
done
check "exhaustion after $i order-10 blocks: ENOMEM" errno_is 'Cannot allocate memory'
check "pages accounted when exhausted ($(pages_accounted) of $(pool_pages))" \
	[ "$(pages_accounted)" = "$(pool_pages)" ]

# --- free all, drain: the free lists are those of the load again
write 'free all'
check "free all" [ "$rc" = 0 ]
check "handles empty after free all" [ "$(nr_handles)" = 0 ]
write 'free all\n'
check "free all with nothing held" [ "$rc" = 0 ]
write 'drain\n'
cut -d' ' -f1,2,4,5 "$D/free_lists" | sort >"$T/free.now"
check "free lists restored (zone order start end)" cmp -s "$T/free.load" "$T/free.now"
check "buddyinfo restored" cmp -s "$T/buddyinfo.load" "$D/buddyinfo"

# --- readers while two writers allocate and free: every read succeeds
(
	k=0
	while [ $k -lt 40 ]; do
		echo "alloc order=$((k % 4))" >"$C"
		[ $((k % 8)) = 7 ] && echo 'free all' >"$C"
		k=$((k + 1))
	done
) 2>/dev/null &
w1=$!
(
	k=0
	while [ $k -lt 40 ]; do
		echo 'alloc order=0 type=movable' >"$C"
		[ $((k % 5)) = 4 ] && echo 'drain' >"$C"
		k=$((k + 1))
	done
) 2>/dev/null &
w2=$!
reads_ok=1
k=0
while [ $k -lt 10 ]; do
	for f in handles pool buddyinfo pagetypeinfo zoneinfo free_lists pcp_lists extfrag_index unusable_index; do
		cat "$D/$f" >/dev/null || reads_ok=0
	done
	k=$((k + 1))
done
wait "$w1" "$w2"
check "reads during concurrent commands" [ "$reads_ok" = 1 ]
write 'free all'
write 'drain'
cut -d' ' -f1,2,4,5 "$D/free_lists" | sort >"$T/free.now"
check "free lists restored after concurrent commands" cmp -s "$T/free.load" "$T/free.now"

# --- unload with live handles: control frees them, nothing to reclaim
write 'alloc order=4'
write 'alloc order=0 zone=DMA32'
check "rmmod with 2 live handles" rmmod mmlab
check "unload reclaimed nothing" sh -c "! dmesg | grep -q 'reclaimed'"
check "no WARNING or BUG at all" sh -c "! dmesg | grep -Eq 'WARNING|BUG|Oops|KASAN|UBSAN'"

echo "control-corpus: $pass passed, $fail failed"
[ "$fail" = 0 ]
