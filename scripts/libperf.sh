#!/bin/sh
# libperf.sh - build libperf (tools/lib/perf of the kernel source) into the build cache, once per
# source id, and point OUT at it. Thin glue over the kernel's own Makefile (make; install_lib
# install_headers); nothing is downloaded.
#
#   sh scripts/libperf.sh OUT
#
# Environment:
#   PB_LIBPERF_SRC    the kernel source tarball [/usr/src/linux-source-6.1.tar.xz, Debian's
#                     linux-source-6.1]; PB_LIBPERF_SRC=none builds without libperf
#   PATCHBENCH_CACHE  the cache [$XDG_CACHE_HOME/patchbench or ~/.cache/patchbench]
#
# The source id is the one "patchbench build" uses for a tarball (ksrc_id(): "tarball:NAME:
# SHA256"); the library goes to <cache>/libperf/<first 16 hex of the sha256>/ (lib/libperf.a,
# lib/libapi.a, include/perf/*.h, build.log, source-id). Its tree is the tarball's unpacked copy
# that kernel builds use (<cache>/src/<name>), built out of tree (O=), or, when there is none,
# only the members libperf's Makefile needs (tools/lib, tools/include, tools/arch/x86,
# tools/scripts, tools/build) unpacked next to the library.
#
# OUT gets libperf-config.h (PB_HAVE_LIBPERF, or PB_LIBPERF_ERROR saying which step failed), and the
# symlinks include/ and lib/ when it worked. A failed build is not fatal: the message names the
# step and its log, and patchbench counts with raw perf_event_open() (meta.json "counters":
# "raw", with the reason in its notes). Exit 0 either way, 2 on bad usage.
set -u

[ $# -eq 1 ] || { echo "usage: libperf.sh OUT" >&2; exit 2; }
OUT=$1
SRC=${PB_LIBPERF_SRC:-/usr/src/linux-source-6.1.tar.xz}
if [ -n "${PATCHBENCH_CACHE:-}" ]; then
	CACHE=$PATCHBENCH_CACHE
elif [ -n "${XDG_CACHE_HOME:-}" ]; then
	CACHE=$XDG_CACHE_HOME/patchbench
else
	CACHE=${HOME:-/var/tmp}/.cache/patchbench
fi

mkdir -p "$OUT" || exit 2
rm -f "$OUT/include" "$OUT/lib"

# fail STEP WHY: say so, and write the fallback libperf-config.h
fail() {
	echo "libperf: $1 failed: $2; counters fall back to raw perf_event_open()" >&2
	printf '/* written by scripts/libperf.sh */\n#define PB_LIBPERF_ERROR "%s failed: %s"\n' \
		"$1" "$(printf '%s' "$2" | sed 's/["\\]/\\&/g')" >"$OUT/libperf-config.h.tmp" &&
		mv -f "$OUT/libperf-config.h.tmp" "$OUT/libperf-config.h"
	exit 0
}

# keep_failed: the failed build (its log) in <dir>.failed, for the message to point at
keep_failed() {
	rm -rf "$DIR.failed" && mv "$TMP" "$DIR.failed"
}

[ "$SRC" = none ] && fail "source" "PB_LIBPERF_SRC=none asks for none"
[ -f "$SRC" ] || fail "source" "no kernel source tarball '$SRC' (package linux-source-6.1)"
sum=$(sha256sum "$SRC" 2>/dev/null | cut -c1-64)
[ ${#sum} -eq 64 ] || fail "source id" "cannot read '$SRC'"
name=$(basename "$SRC")
tree=${name%%.tar*}
DIR=$CACHE/libperf/$(printf '%s' "$sum" | cut -c1-16)

if [ ! -f "$DIR/ok" ]; then
	mkdir -p "$CACHE/libperf" || fail "cache" "cannot create '$CACHE/libperf'"
	TMP=$CACHE/libperf/.build-$$
	rm -rf "$TMP"
	mkdir -p "$TMP/obj" "$TMP/inst" || fail "cache" "cannot create '$TMP'"
	LOG=$TMP/build.log
	srcdir=$CACHE/src/$tree
	if [ ! -f "$srcdir/Makefile" ] || [ ! -d "$srcdir/mm" ] ||
	   [ ! -f "$srcdir/tools/lib/perf/Makefile" ]; then
		echo "libperf: unpacking tools/lib, tools/include, tools/arch/x86, tools/scripts," \
			"tools/build of $SRC (once)"
		srcdir=$TMP/src/$tree
		mkdir -p "$TMP/src"
		tar -xf "$SRC" -C "$TMP/src" "$tree/tools/lib" "$tree/tools/include" \
			"$tree/tools/arch/x86" "$tree/tools/scripts" "$tree/tools/build" >>"$LOG" 2>&1 || {
			keep_failed
			fail "unpack (tar -xf $SRC)" "see '$DIR.failed/build.log'"
		}
	fi
	echo "libperf: building $srcdir/tools/lib/perf into $DIR (once)"
	# make's own variables of the caller (patchbench's CFLAGS, -j) stay out of the kernel's build
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CFLAGS -u LDFLAGS \
		make -C "$srcdir/tools/lib/perf" O="$TMP/obj" DESTDIR="$TMP/inst" prefix= \
		install_lib install_headers >>"$LOG" 2>&1 || {
		keep_failed
		fail "make -C tools/lib/perf install_lib install_headers" \
			"see '$DIR.failed/build.log'"
	}
	lib=$TMP/inst/lib64
	[ -d "$lib" ] || lib=$TMP/inst/lib
	mkdir -p "$TMP/lib" && cp "$lib/libperf.a" "$TMP/obj/libapi.a" "$TMP/lib/" &&
		mv "$TMP/inst/include" "$TMP/include" ||
		fail "install" "no libperf.a, libapi.a or headers in '$TMP' (see '$LOG')"
	rm -rf "$TMP/inst" "$TMP/obj" "$TMP/src"
	printf 'tarball:%s:%s\n' "$name" "$sum" >"$TMP/source-id"
	touch "$TMP/ok"
	# another build may have finished first: keep its result
	mv -T "$TMP" "$DIR" 2>/dev/null || rm -rf "$TMP"
	[ -f "$DIR/ok" ] || fail "cache" "cannot move the build into '$DIR'"
fi

ln -s "$DIR/include" "$OUT/include" && ln -s "$DIR/lib" "$OUT/lib" ||
	fail "link" "cannot link '$OUT' to '$DIR'"
printf '/* written by scripts/libperf.sh: %s */\n#define PB_HAVE_LIBPERF 1\n' \
	"$(cat "$DIR/source-id")" >"$OUT/libperf-config.h.tmp" && mv -f "$OUT/libperf-config.h.tmp" "$OUT/libperf-config.h"
exit 0
