#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Capture the sessions that Documentation/ includes, from a real VM run.
#
# Usage: tools/vm/capture-docs.sh [-o DIR] [-T DIR]
#   -o DIR   where to write NAME.txt (default Documentation/sessions)
#   -T DIR   where to write the tutorial's sessions
#            (default Documentation/tutorial/sessions)
#
# Builds mmlab.ko against the Debian headers (as `make run`, in build/docs/),
# boots the Debian kernel with tools/vm/guest/doc-session.sh, and cuts each
# session ("mmlab-doc: begin NAME" .. "mmlab-doc: end NAME") out of the
# console log into DIR/NAME.txt. Also writes DIR/modinfo.txt from modinfo
# on the host (reading the .ko file, not loading it). Files are replaced only
# when the whole run succeeded: a failed command, a missing session or a
# kernel report (BUG, WARNING, Oops, KASAN) leaves DIR as it was.
#
# The tutorial's sessions come from four more boots: the Debian kernel with
# tools/vm/guest/doc-tutorial.sh (mmlab next to the host's /proc files) and
# with tools/vm/guest/doc-kmem.sh (slab, vmalloc, a walk, mm), and the test
# kernel (tools/vm/build-test-kernel.sh; it has PTDUMP_DEBUGFS) with
# tools/vm/guest/doc-paging.sh, once with 5-level paging and once with
# no5lvl (sessions NAME-5l and NAME-4l).
#
# Environment: MMLAB_ACCEL=kvm|tcg (see boot.sh).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

out=$MMLAB_TOP/Documentation/sessions
tut_out=$MMLAB_TOP/Documentation/tutorial/sessions
while [ $# -gt 0 ]; do
	case "$1" in
	-o) out=${2:?}; shift 2 ;;
	-T) tut_out=${2:?}; shift 2 ;;
	-h|--help) sed -n '3,25s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown argument $1" ;;
	esac
done

install_deps
release=$(headers_release)
kdir=/usr/src/linux-headers-$release
[ -d "$kdir" ] || die "no $kdir (linux-headers-amd64 points at $release)"
vmlinuz=$("$MMLAB_TOP/tools/vm/debian-kernel.sh")

bdir=$MMLAB_TOP/build/docs
copy_sources "$bdir"
log "building mmlab.ko against $kdir"
make -s -C "$kdir" M="$bdir" -j2 modules >"$MMLAB_TOP/build/docs-build.log" 2>&1 || {
	cat "$MMLAB_TOP/build/docs-build.log" >&2
	die "mmlab.ko does not build against $kdir"
}

logf=$MMLAB_TOP/build/vm/doc-session.log
rc=0
# mmlab_stress.ko (leak_pages=) shows unload reclaiming another module's pages.
[ -f "$bdir/tools/stress/mmlab_stress.ko" ] || die "no tools/stress/mmlab_stress.ko in $bdir"
"$MMLAB_TOP/tools/vm/boot.sh" -k "$vmlinuz" -g doc-session -q -t 600 \
	-l "$logf" "$bdir/mmlab.ko" "$bdir/tools/stress/mmlab_stress.ko" || rc=$?
[ "$rc" = 0 ] || die "guest doc-session failed (status $rc); console log: $logf"
if grep -Eq 'BUG:|WARNING:|Oops|KASAN|UBSAN|mmlab-doc: failed' "$logf"; then
	grep -E 'BUG:|WARNING:|Oops|KASAN|UBSAN|mmlab-doc: failed' "$logf" >&2
	die "kernel report or failed command in $logf"
fi

# cut LOG DIR - each session of LOG into DIR/NAME.txt.
cut_sessions() {
	tr -d '\r' <"$1" | awk -v dir="$2" '
		/^mmlab-doc: begin / { name = $3; file = dir "/" name ".txt"; printf "" > file; next }
		/^mmlab-doc: end /   { close(file); name = ""; next }
		name != ""           { print >> file }
	'
}

# tut_boot KERNEL GUEST LOG BOOT-ARGS... - one boot for the tutorial; fails
# on a failed command or a kernel report ("BUG: KASAN:", not the
# "KASAN shadow" marker of a page-table dump).
tut_boot() {
	local kernel=$1 guest=$2 log=$3 rc=0
	shift 3
	"$MMLAB_TOP/tools/vm/boot.sh" -k "$kernel" -g "$guest" -q -t 600 -l "$log" "$@" || rc=$?
	[ "$rc" = 0 ] || die "guest $guest failed (status $rc); console log: $log"
	if grep -Eq 'BUG:|WARNING:|Oops|UBSAN:|mmlab-doc: failed' "$log"; then
		grep -E 'BUG:|WARNING:|Oops|UBSAN:|mmlab-doc: failed' "$log" >&2
		die "kernel report or failed command in $log"
	fi
}

tut_log=$MMLAB_TOP/build/vm/doc-tutorial.log
tut_boot "$vmlinuz" doc-tutorial "$tut_log" "$bdir/mmlab.ko"
kmem_log=$MMLAB_TOP/build/vm/doc-kmem.log
tut_boot "$vmlinuz" doc-kmem "$kmem_log" "$bdir/mmlab.ko"
tkdir=$("$MMLAB_TOP/tools/vm/build-test-kernel.sh")
tkernel=$tkdir/arch/x86/boot/bzImage
tut_boot "$tkernel" doc-paging "$MMLAB_TOP/build/vm/doc-paging-5l.log" -a mmlab.levels=5
tut_boot "$tkernel" doc-paging "$MMLAB_TOP/build/vm/doc-paging-4l.log" -4 -a mmlab.levels=4

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cut_sessions "$logf" "$tmp"
mkdir "$tmp/tutorial"
for l in "$tut_log" "$kmem_log" "$MMLAB_TOP"/build/vm/doc-paging-5l.log "$MMLAB_TOP"/build/vm/doc-paging-4l.log; do
	cut_sessions "$l" "$tmp/tutorial"
done
tn=$(find "$tmp/tutorial" -name '*.txt' | wc -l)
[ "$tn" -gt 0 ] || die "no tutorial session in $tut_log or doc-paging-*.log"
n=$(find "$tmp" -maxdepth 1 -name '*.txt' | wc -l)
[ "$n" -gt 0 ] || die "no session in $logf"
{ echo "$ modinfo -F parm mmlab.ko"; modinfo -F parm "$bdir/mmlab.ko"; } >"$tmp/modinfo.txt"

mkdir -p "$out"
rm -f "$out"/*.txt
cp "$tmp"/*.txt "$out/"
log "wrote $((n + 1)) files to $out (from $logf)"
mkdir -p "$tut_out"
rm -f "$tut_out"/*.txt
cp "$tmp"/tutorial/*.txt "$tut_out/"
log "wrote $tn files to $tut_out"
