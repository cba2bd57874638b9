#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script: mmlab's writable debugfs files (all but control) against a corpus of bad writes.
#
# Runs inside the VM (busybox sh) with /mmlab/mmlab.ko; loads it fresh. Every
# write of files-bad.txt (next to this script, or in /mmlab/) must fail with
# EINVAL and leave the file it was written to, and every other writable file
# of mmlab, byte-identical; the kernel must log no warning. Then good writes
# are read back, and every writable file is checked to be root-only. Prints
# "PASS name" or "FAIL name" per case and ends with
# "files-corpus: N passed, N failed"; exits 1 if any case failed.

D=/sys/kernel/debug/mmlab
T=/tmp/files-corpus
POINTS="fail_page_alloc failslab fail_vmalloc fail_borrow"
# shellcheck source=corpus-lib.sh
. "$(dirname "$0")/corpus-lib.sh"

# snap - the files a bad write could change: every knob of the fault points,
# walk and mm where this build has them, and handles; not walk's root line:
# a kernel walk starts from the reader's CR3. One pipe: a fork costs much
# under TCG.
snap() {
	grep -r . $SNAP_FILES 2>&1 | grep -v '/walk:root '
}

corpus_start files-bad.txt files-corpus
SNAP_FILES=""
for f in $POINTS walk mm handles; do
	[ -e "$D/$f" ] && SNAP_FILES="$SNAP_FILES $D/$f"
done

# --- every file is root-only
open=""
for f in $(find "$D" -type f); do
	mode=$(stat -c %a "$f")
	case "$mode" in
	600|400|200) ;;
	*) open="$open $f($mode)" ;;
	esac
done
if [ -z "$open" ]; then
	ok "every file of $D is root-only (0600, 0400 or 0200)"
else
	ko "not root-only:$open"
fi

# --- the bad writes
if [ -z "$corpus" ]; then
	ko "corpus files-bad.txt not found"
else
	n=0
	before=$(snap)
	while IFS= read -r line; do
		case "$line" in
		'#'*|'') continue ;;
		esac
		file=${line%% *}
		fmt=${line#* }
		case "$file" in
		POINT/*)
			# The points share their code: each line goes to the next.
			set -- $POINTS $POINTS
			shift $((n % 4))
			targets=$1
			;;
		*) targets=. ;;
		esac
		for p in $targets; do
			if [ "$p" = . ]; then path=$file; else path=$p/${file#POINT/}; fi
			if [ ! -e "$D/$path" ]; then
				ko "bad write to $path: no such file"
				continue
			fi
			n=$((n + 1))
			write_to "$D/$path" "$fmt"
			after=$(snap)
			if ! errno_is 'Invalid argument'; then
				ko "bad $n $path '$fmt': not refused with EINVAL (rc $rc: $(head -n 1 "$T/err"))"
			elif [ "$before" != "$after" ]; then
				ko "bad $n $path '$fmt': state changed"
			else
				ok "bad $n $path '$fmt'"
			fi
			before=$after
		done
	done <"$corpus"
	echo "files-corpus: $n bad writes from $corpus"
fi
if dmesg | grep -Eq 'WARNING|BUG|Oops|Call Trace'; then
	ko "the bad writes logged a warning"
else
	ok "no WARNING or BUG from bad writes"
fi

# --- good writes are taken and read back (each knob on one point: they
# share their code), and leave the points as they were: disabled
i=0
for kv in probability=100 probability=0 times=-1 times=1 interval=7 interval=1 \
	  verbose=2 verbose=1 space=4096 space=0; do
	set -- $POINTS $POINTS
	shift $(((i / 2) % 4))
	p=$1
	i=$((i + 1))
	k=${kv%%=*}
	v=${kv#*=}
	write_to "$D/$p/$k" "$v\n"
	got=$(cat "$D/$p/$k")
	if [ "$rc" = 0 ] && [ "$got" = "$v" ]; then
		ok "$p/$k=$v read back"
	else
		ko "$p/$k=$v: rc $rc, reads '$got'"
	fi
done

# --- walk walks what was written, address 0 included (not the default)
if [ -e "$D/walk" ]; then
	for a in 0x1000 0; do
		write_to "$D/walk" "$a\n"
		want=$(printf 'address 0x%016x, kernel (cr3)' "$a")
		if [ "$rc" = 0 ] && grep -qxF "$want" "$D/walk"; then
			ok "walk $a read back"
		else
			ko "walk $a: rc $rc, reads '$(grep '^address' "$D/walk")'"
		fi
	done
fi

rmmod mmlab || ko "rmmod mmlab"
echo "files-corpus: $pass passed, $fail failed"
[ "$fail" = 0 ]
