# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034
# Shared helpers for mmlab's test VM scripts: cache paths, package install, logging.
# Sourced, not run.

MMLAB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MMLAB_CACHE=${MMLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mmlab}
mkdir -p "$MMLAB_CACHE"

log() { printf '[mmlab] %s\n' "$*" >&2; }
die() { printf '[mmlab] error: %s\n' "$*" >&2; exit 1; }

# Packages the VM scripts need, one per line: "command-or-path package".
MMLAB_DEPS="
gcc gcc
/usr/lib/x86_64-linux-gnu/libc.a libc6-dev
/usr/include/zlib.h zlib1g-dev
make make
flex flex
bison bison
bc bc
cpio cpio
xz xz-utils
perl perl
python3 python3
sparse sparse
pahole dwarves
qemu-system-x86_64 qemu-system-x86
/bin/busybox busybox-static
/usr/include/libelf.h libelf-dev
/usr/include/openssl/ssl.h libssl-dev
/usr/src/linux-source-6.1.tar.xz linux-source-6.1
/usr/share/doc/linux-headers-amd64 linux-headers-amd64
modinfo kmod
"

# install_deps - apt-get install whatever of MMLAB_DEPS is missing.
install_deps() {
	local missing="" cmd pkg
	while read -r cmd pkg; do
		[ -n "$cmd" ] || continue
		case "$cmd" in
		/*) [ -e "$cmd" ] || missing="$missing $pkg" ;;
		*) command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg" ;;
		esac
	done <<<"$MMLAB_DEPS"
	[ -n "$missing" ] || return 0
	log "installing:$missing"
	[ "$(id -u)" = 0 ] || die "need root to apt-get install$missing"
	apt-get update -qq >&2 || die "apt-get update failed"
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$missing >&2 || die "apt-get install$missing failed"
}

# headers_release - the Debian kernel release that linux-headers-amd64 points at.
headers_release() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	      grep -o 'linux-headers-[0-9][^ ,]*-amd64' | head -n 1)
	[ -n "$dep" ] || die "linux-headers-amd64 is not installed"
	echo "${dep#linux-headers-}"
}

# copy_sources DIR - copy the project's sources (tracked and untracked, not
# ignored: no build products) to DIR for an out-of-tree build there. Files
# removed from the tree are removed from DIR; objects already in DIR stay,
# so a rebuild is incremental.
copy_sources() {
	local dir=$1 f
	mkdir -p "$dir"
	(cd "$MMLAB_TOP" && git ls-files -co --exclude-standard -- Kbuild Makefile module kunit tools/stress tools/bench) \
		>"$dir/.sources.new"
	if [ -f "$dir/.sources" ]; then
		comm -23 <(sort "$dir/.sources") <(sort "$dir/.sources.new") |
			while IFS= read -r f; do rm -f "$dir/$f"; done
	fi
	(cd "$MMLAB_TOP" && while IFS= read -r f; do
		[ -f "$f" ] || continue
		mkdir -p "$dir/$(dirname "$f")"
		cmp -s "$f" "$dir/$f" || cp "$f" "$dir/$f"
	done) <"$dir/.sources.new"
	mv "$dir/.sources.new" "$dir/.sources"
}
