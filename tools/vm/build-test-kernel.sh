#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (once per machine and config) the KUnit test kernel from Debian's linux-source-6.1.
# Prints the build directory on stdout.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

install_deps
tarball=/usr/src/linux-source-6.1.tar.xz
fragment=$MMLAB_TOP/tools/vm/test-kernel.config
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( (echo "$srcver"; gcc --version | head -n 1; grep -v '^#' "$fragment") |
	sha256sum | cut -c1-12)
src=$MMLAB_CACHE/src-$srcver
out=$MMLAB_CACHE/kernel-$key

# One build at a time per machine: a second caller waits, then finds it done.
exec 9>"$MMLAB_CACHE/kernel.lock"
flock 9
if [ -f "$out/.mmlab-done" ]; then
	echo "$out"
	exit 0
fi

if [ ! -f "$src/.mmlab-extracted" ]; then
	log "extracting $tarball into $src"
	rm -rf "$src" && mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
	touch "$src/.mmlab-extracted"
fi

log "building test kernel in $out (cached by config; first build takes several minutes)"
rm -rf "$out" && mkdir -p "$out"
start=$(date +%s)
make -s -C "$src" O="$out" tinyconfig >&2
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$fragment" >/dev/null
make -s -C "$src" O="$out" olddefconfig >&2
# Every option asked for must survive olddefconfig.
bad=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	grep -qx "$line" "$out/.config" || { log "option dropped by olddefconfig: $line"; bad=1; }
done <"$fragment"
[ "$bad" = 0 ] || die "test kernel config incomplete"
make -s -C "$src" O="$out" -j"$(nproc)" bzImage modules >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; die "test kernel build failed"; }
log "test kernel built in $(( $(date +%s) - start )) s"
touch "$out/.mmlab-done"
echo "$out"
