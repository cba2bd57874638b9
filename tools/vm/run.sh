#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make run`: boot the Debian kernel in a VM with mmlab loaded and tour its debugfs.
#
# Usage: tools/vm/run.sh        (or: make run)
#
# Installs what is missing (apt-get), fetches the Debian kernel image that
# matches linux-headers-amd64 (tools/vm/debian-kernel.sh), builds mmlab.ko
# against /usr/src/linux-headers-RELEASE in build/distro/ and mmlab(8)
# (tools/mmlab), and boots them with tools/vm/guest/tour.sh. On a terminal (stdin and stdout are ttys, CI unset)
# the VM then gives a shell with the module loaded (exit it, or Ctrl-A x, to
# quit); otherwise the VM powers off and the exit status says whether the
# module loaded (0) or not, or the boot timed out.
#
# Environment: MMLAB_ACCEL=kvm|tcg (see boot.sh), MMLAB_PARAMS="pool_mb=256
# dma_mb=4" module parameters for insmod, MMLAB_LEVEL=4 for 4-level paging.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
install_deps
release=$(headers_release)
kdir=/usr/src/linux-headers-$release
[ -d "$kdir" ] || die "no $kdir (linux-headers-amd64 points at $release)"
vmlinuz=$("$MMLAB_TOP/tools/vm/debian-kernel.sh")

# Build from a copy of the sources, so that objects for another kernel
# (make check's test kernel, a build in place) never mix with these.
bdir=$MMLAB_TOP/build/distro
copy_sources "$bdir"
log "building mmlab.ko against $kdir"
make -s -C "$kdir" M="$bdir" -j2 modules >"$MMLAB_TOP/build/distro-build.log" 2>&1 || {
	cat "$MMLAB_TOP/build/distro-build.log" >&2
	die "mmlab.ko does not build against $kdir (log: build/distro-build.log)"
}
# mmlab(8), static, goes into the VM beside mmlab.ko (the tour runs it; in
# the shell it is /bin/mmlab).
make -s -C "$MMLAB_TOP/tools/mmlab" >"$MMLAB_TOP/build/tool-build.log" 2>&1 || {
	cat "$MMLAB_TOP/build/tool-build.log" >&2
	die "tools/mmlab does not build (log: build/tool-build.log)"
}
log "ready in $(( $(date +%s) - start )) s"

args=(-k "$vmlinuz" -g tour -l "$MMLAB_TOP/build/vm/run.log" -t 300)
[ "${MMLAB_LEVEL:-5}" = 4 ] && args+=(-4)
if [ -n "${MMLAB_PARAMS:-}" ]; then
	args+=(-a "mmlab.modparams=$(echo "$MMLAB_PARAMS" | xargs | tr ' ' ',')")
fi
if [ -t 0 ] && [ -t 1 ] && [ -z "${CI:-}" ]; then
	args+=(-I)
fi
exec "$MMLAB_TOP/tools/vm/boot.sh" "${args[@]}" "$bdir/mmlab.ko" "$MMLAB_TOP/tools/mmlab/mmlab"
