#!/usr/bin/env bash
# Build the Keel Linux kernel from Debian's linux-source-6.1 and this
# series.
#
#   build.sh OUT [keel|xen-pv]
#
#   keel    (default) keel.config: OUT/bzImage (native), OUT/vmlinux (the
#           Keel PV image, the same kernel), OUT/config, and the tree's
#           64-bit x86 kselftests, built static: OUT/kselftests-x86/
#   xen-pv  xen-pv.config: a Xen PV kernel of the patched tree, to prove
#           the series keeps Xen building: OUT/vmlinux, OUT/config
#
# Builds are cached under $KEEL_CACHE (default ~/.cache/keel), keyed by a
# hash of the source tarball, the series, the config fragment, this
# script and the compiler; a cold build always works too. Nothing is
# written into the repository.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT [keel|xen-pv]}
flavour=${2:-keel}
tarball=${LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
cache=${KEEL_CACHE:-$HOME/.cache/keel}/linux
jobs=${JOBS:-$(nproc)}

case "$flavour" in
keel)   fragment=$here/keel.config; targets="bzImage" ;;
xen-pv) fragment=$here/xen-pv.config; targets="vmlinux" ;;
*)      echo "build.sh: unknown flavour '$flavour'" >&2; exit 2 ;;
esac
[ -f "$tarball" ] || { echo "build.sh: no $tarball (apt-get install linux-source-6.1)" >&2; exit 1; }

key=$( {
	stat -c '%n %s' "$tarball"
	cat "$here/series"
	while read -r p; do [ -n "$p" ] && cat "$here/$p"; done < "$here/series"
	cat "$fragment" "$0"
	gcc --version | head -1
	echo "$flavour"
} | sha256sum | cut -c1-16)
dest=$cache/$flavour-$key

if [ ! -f "$dest/done" ]; then
	work=$(mktemp -d "${TMPDIR:-/tmp}/keel-linux.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	echo "build.sh: building $flavour kernel $key (cold; a few minutes)"
	mkdir "$work/src" "$work/obj"
	tar xf "$tarball" -C "$work/src" --strip-components=1
	while read -r p; do
		[ -n "$p" ] || continue
		patch -d "$work/src" -p1 --quiet --forward < "$here/$p" ||
			{ echo "build.sh: $p does not apply" >&2; exit 1; }
	done < "$here/series"
	# Kconfig's notes on the way (tinyconfig's own overrides) go to a
	# log; the check below is what decides.
	{ make -s -C "$work/src" O="$work/obj" ARCH=x86_64 tinyconfig &&
	  "$work/src/scripts/kconfig/merge_config.sh" -m -O "$work/obj" \
		"$work/obj/.config" "$fragment" &&
	  make -s -C "$work/src" O="$work/obj" ARCH=x86_64 olddefconfig
	} > "$work/config.log" 2>&1 ||
		{ cat "$work/config.log" >&2; echo "build.sh: configuring failed" >&2; exit 1; }
	# Every line of the fragment must have taken effect: a misspelt or
	# unmet option would otherwise vanish silently.
	bad=0
	while read -r line; do
		case "$line" in
		CONFIG_*=*) grep -qx "$line" "$work/obj/.config" ||
				{ echo "build.sh: $line did not take" >&2; bad=1; } ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }; opt=${opt%% *}
			! grep -q "^$opt=" "$work/obj/.config" ||
				{ echo "build.sh: $opt is set" >&2; bad=1; } ;;
		esac
	done < "$fragment"
	[ "$bad" = 0 ] || exit 1
	make -C "$work/src" O="$work/obj" ARCH=x86_64 -j"$jobs" $targets \
		> "$work/build.log" 2>&1 ||
		{ tail -40 "$work/build.log" >&2; echo "build.sh: the build failed" >&2; exit 1; }
	# Into the cache under a name of our own, then renamed into place:
	# another build of the same key may be finishing beside this one.
	# The x86 kselftests of the same tree (tools/testing/selftests/x86),
	# the 64-bit ones, static so that the initramfs needs no libraries.
	if [ "$flavour" = keel ]; then
		mkdir "$work/kselftests-x86"
		make -C "$work/src/tools/testing/selftests/x86" \
			OUTPUT="$work/kselftests-x86" CC="gcc -static" all_64 \
			> "$work/kselftests.log" 2>&1 ||
			{ tail -40 "$work/kselftests.log" >&2
			  echo "build.sh: the x86 kselftests failed to build" >&2
			  exit 1; }
	fi
	mkdir -p "$cache"
	new=$(mktemp -d "$cache/.new.XXXXXX")
	cp "$work/obj/vmlinux" "$work/obj/.config" "$new/"
	[ "$flavour" != keel ] || cp -r "$work/obj/arch/x86/boot/bzImage" \
		"$work/kselftests-x86" "$new/"
	touch "$new/done"
	mv -T "$new" "$dest" 2>/dev/null || rm -rf "$new"
fi
mkdir -p "$out"
cp "$dest/vmlinux" "$out/vmlinux"
cp "$dest/.config" "$out/config"
if [ "$flavour" = keel ]; then
	cp "$dest/bzImage" "$out/bzImage"
	rm -rf "$out/kselftests-x86"
	cp -r "$dest/kselftests-x86" "$out/kselftests-x86"
fi
echo "build.sh: $flavour kernel in $out ($key)"
