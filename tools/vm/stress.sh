#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make stress`: the seeded concurrent stress run of mmlab in the test VM.
#
# Usage: tools/vm/stress.sh        (or: make stress)
#
# Builds (cached) the KUnit/KASAN/kmemleak/lockdep/UBSAN test kernel, builds
# mmlab.ko and mmlab_stress.ko against it, and boots it with 2 vCPUs and
# tools/vm/guest/stress.sh: mmlab_stress.ko runs a worker per CPU over
# mmlab's allocators with the invariant checker between phases, while a
# reader loops over every debugfs file, a writer sends control commands and
# CPU 1 goes offline and back. The console is then scanned for any kernel
# report (tools/vm/check-log.py --reports-only). Prints the figures; exits
# non-zero on any failure.
#
# Environment: MMLAB_STRESS_SECONDS (default 600), MMLAB_SEED (default: a
# random seed, printed; give it back to rerun the same operations),
# MMLAB_LEVEL=4 for 4-level paging, MMLAB_ACCEL=kvm|tcg (see boot.sh).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

seconds=${MMLAB_STRESS_SECONDS:-600}
seed=${MMLAB_SEED:-0}
out=$MMLAB_TOP/build/stress
bdir=$out/build
mkdir -p "$out"

install_deps
kdir=$("$MMLAB_TOP/tools/vm/build-test-kernel.sh")
copy_sources "$bdir"
log "building mmlab.ko and mmlab_stress.ko against $kdir"
make -s -C "$kdir" M="$bdir" -j2 modules >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	die "the modules do not build (log: $out/build.log)"
}

args=(-q -k "$kdir/arch/x86/boot/bzImage" -g stress -l "$out/console.log"
      -t $((seconds + 900)) -a "mmlab.seconds=$seconds mmlab.seed=$seed")
[ "${MMLAB_LEVEL:-5}" = 4 ] && args+=(-4)
rc=0
"$MMLAB_TOP/tools/vm/boot.sh" "${args[@]}" "$bdir/mmlab.ko" \
	"$bdir/tools/stress/mmlab_stress.ko" || rc=$?

grep -a '^mmlab-stress:' "$out/console.log" || echo "mmlab-stress: no result line (rc=$rc)"
reports=0
python3 "$MMLAB_TOP/tools/vm/check-log.py" --log "$out/console.log" --reports-only || reports=$?
if [ "$rc" != 0 ] || [ "$reports" != 0 ]; then
	log "stress FAILED (boot rc=$rc, kernel reports: $([ "$reports" = 0 ] && echo none || echo yes)); console: $out/console.log"
	exit 1
fi
log "stress passed; console: $out/console.log"
