#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Helpers of the hostile-input guest scripts (control-corpus.sh, files-corpus.sh), sourced.
#
# Sets pass and fail to 0 and gives: ok/ko NAME (count and print a case),
# check NAME CMD... (ok if CMD succeeds), write_to FILE FMT [seek] (one
# write() of printf FMT to FILE, at offset 0 or, with "seek", at offset
# length; sets rc and leaves dd's message in $T/err) and errno_is TEXT (the
# last write failed with that strerror() text), and corpus_start FILE TAG
# (find the corpus FILE beside the script or in /mmlab, set $corpus to it,
# and load mmlab fresh, or end the script with its "TAG: N passed, N
# failed" line). $T must be a directory.

pass=0
fail=0

ok() {
	pass=$((pass + 1))
	echo "PASS $*"
}

ko() {
	fail=$((fail + 1))
	echo "FAIL $*"
}

check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else ko "$name"; fi
}

write_to() {
	printf "$2" >"$T/w"
	if [ "$3" = seek ]; then
		len=$(wc -c <"$T/w")
		dd if="$T/w" of="$1" bs="$len" seek=1 conv=notrunc 2>"$T/err"
	else
		dd if="$T/w" of="$1" bs=8192 conv=notrunc 2>"$T/err"
	fi
	rc=$?
}

# Shell builtins only: this runs for every line of a corpus.
errno_is() {
	[ "$rc" != 0 ] || return 1
	while IFS= read -r l; do
		case "$l" in
		*"$1"*) return 0 ;;
		esac
	done <"$T/err"
	return 1
}

corpus_start() {
	corpus=""
	for f in "$(dirname "$0")/$1" "/mmlab/$1" "/mmlab/guest/$1"; do
		[ -f "$f" ] && { corpus=$f; break; }
	done
	mkdir -p "$T"
	[ -d /sys/kernel/debug/mmlab ] && rmmod mmlab
	if ! insmod /mmlab/mmlab.ko; then
		ko "insmod mmlab.ko"
		echo "$2: $pass passed, $fail failed"
		exit 1
	fi
	dmesg -c >/dev/null
}
