#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetch the Debian kernel image that matches linux-headers-amd64, without
# installing it on the host.
#
# Usage: tools/vm/debian-kernel.sh
#
# Downloads linux-image-RELEASE (RELEASE from linux-headers-amd64, e.g.
# 6.1.0-56-amd64; linux-image-RELEASE-unsigned if that is all the archive
# has) with `apt-get download` into $MMLAB_CACHE/debian-RELEASE, unpacks it
# there with `dpkg -x`, and prints the path of its vmlinuz on stdout.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

dpkg-query -W linux-headers-amd64 >/dev/null 2>&1 || install_deps
release=$(headers_release)
dir=$MMLAB_CACHE/debian-$release
vmlinuz=$dir/root/boot/vmlinuz-$release

exec 9>"$MMLAB_CACHE/debian-kernel.lock"
flock 9
if [ -f "$vmlinuz" ] && [ -f "$dir/.mmlab-done" ]; then
	echo "$vmlinuz"
	exit 0
fi

rm -rf "$dir" && mkdir -p "$dir/deb"
version=$(dpkg-query -W -f='${Version}' linux-headers-amd64)
got=""
for pkg in "linux-image-$release" "linux-image-$release-unsigned"; do
	# The headers' exact version first, so the image matches them.
	for spec in "$pkg=$version" "$pkg"; do
		if (cd "$dir/deb" && apt-get download -q "$spec" >&2); then
			got=$pkg
			break 2
		fi
	done
done
if [ -z "$got" ]; then
	log "apt-get download linux-image-$release failed; retrying after apt-get update"
	[ "$(id -u)" = 0 ] || die "need root for apt-get update"
	apt-get update -qq >&2 || die "apt-get update failed"
	(cd "$dir/deb" && apt-get download -q "linux-image-$release" >&2) ||
		die "cannot download linux-image-$release"
fi
deb=$(ls "$dir"/deb/*.deb)
dpkg -x "$deb" "$dir/root"
[ -f "$vmlinuz" ] || die "no vmlinuz in $deb"
# Only the image is needed: drop the deb and the 400 MB of modules.
rm -rf "$dir/deb" "$dir/root/lib" "$dir/root/usr"
touch "$dir/.mmlab-done"
log "Debian kernel $release: $vmlinuz"
echo "$vmlinuz"
