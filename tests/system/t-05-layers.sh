#!/bin/sh
# The layers of the tree (issue 10): lib/ (the base) <- bench/ core, analysis/, workloads/
# <- the command layer (bench/patchbench.c and bench/cmd-*.c, declared in builtin.h).
# Method: read the #include "..." lines of every source file and the symbols of every
# object make built (nm), and link the core library with --whole-archive and no command
# object.
# Pass: (1) no include circle between modules (a module is a .c with its .h; tsort finds
# loops); (2) lib/ includes only lib/; (3) only the command layer includes builtin.h or
# references a cmd_* function; (4) every member of libpatchbench.a links without the
# command objects (a core object that needs a command object fails the link); (5) no
# link-level circle between modules apart from the registration tables (workloads[] and
# monitors[] are filled by the modules they list, which call back into the runner).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$ROOT/build
[ -f "$B/libpatchbench.a" ] || skip_all "build/libpatchbench.a not built (make)"
command -v nm >/dev/null || skip_all "nm missing"
command -v tsort >/dev/null || skip_all "tsort missing"
TMP=$(mktemp -d /tmp/pb-layers.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 6
cd "$ROOT" || exit 1

DIRS="lib bench bench/monitors analysis workloads"
is_cmd() {
	case $1 in bench/patchbench | bench/cmd-*) true ;; *) false ;; esac
}

# module -> module edges from the include lines; a header is looked up in DIRS, like -I
for f in $(for d in $DIRS; do ls $d/*.c $d/*.h 2>/dev/null; done); do
	m=${f%.*}
	sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f" | while read -r h; do
		for d in $DIRS; do
			if [ -f "$d/$h" ]; then
				t=$d/${h%.h}
				[ "$t" != "$m" ] && echo "$m $t"
				break
			fi
		done
	done
done | sort -u >"$TMP/inc"
tsort "$TMP/inc" >/dev/null 2>"$TMP/loops"
ok $([ -s "$TMP/inc" ] && ! [ -s "$TMP/loops" ] && echo 0 || echo 1) \
	"no include circle between the $(wc -l <"$TMP/inc") include edges of modules"
[ -s "$TMP/loops" ] && diag "$(grep -v 'input contains a loop' "$TMP/loops" | sed 's/^tsort: //' |
	tr '\n' ' ')"

up=$(awk '$1 ~ /^lib\// && $2 !~ /^lib\// { print $1 " -> " $2 }' "$TMP/inc")
ok $([ -z "$up" ] && echo 0 || echo 1) "lib/ includes only lib/ ${up:+(}$(echo $up)${up:+)}"

bad=$(grep -l '#include "builtin.h"' $(for d in $DIRS; do ls $d/*.c $d/*.h 2>/dev/null; done) |
	while read -r f; do is_cmd "${f%.*}" || [ "$f" = bench/builtin.h ] || echo "$f"; done)
ok $([ -z "$bad" ] && echo 0 || echo 1) "builtin.h is included by the command layer only $bad"

# symbols: who defines what, who needs what (objects of the default build)
objs=$(find "$B/lib" "$B/bench" "$B/analysis" "$B/workloads" -name '*.o' 2>/dev/null | sort)
for o in $objs; do
	m=${o#"$B"/}
	m=${m%.o}
	nm -P -g --defined-only "$o" | awk -v m="$m" '$2 ~ /^[TDBRCV]$/ { print $1, m }'
done | sort >"$TMP/defs"
for o in $objs; do
	m=${o#"$B"/}
	m=${m%.o}
	nm -P -u "$o" | awk -v m="$m" '{ print $1, m }'
done | sort >"$TMP/undefs"
bad=$(awk '$1 ~ /^cmd_/ { print $2 }' "$TMP/undefs" | sort -u | while read -r m; do
	is_cmd "$m" || echo "$m"; done)
ok $([ -n "$objs" ] && [ -z "$bad" ] && echo 0 || echo 1) \
	"cmd_* functions are called by the command layer only $(echo $bad)"

# (4) the whole core library, linked alone
echo 'int main(void) { return 0; }' >"$TMP/main.c"
# libperf from the cache when this build has it (scripts/libperf.sh), as the Makefile links it
libs="-lm $(pkg-config --libs libtracefs libtraceevent 2>/dev/null) -lpthread"
for a in libperf libapi; do [ -f "$B/libperf/lib/$a.a" ] && libs="$libs $B/libperf/lib/$a.a"; done
${CC:-cc} -o "$TMP/core" "$TMP/main.c" -Wl,--whole-archive "$B/libpatchbench.a" \
	-Wl,--no-whole-archive $libs >"$TMP/link" 2>&1
rc=$?
ok $rc "every libpatchbench.a member links without the command objects"
[ $rc -eq 0 ] || diag "$(grep -o "undefined reference to [^ ]*" "$TMP/link" | sort -u | head -8)"

# (5) link-level module graph, the registration tables aside: an edge into a table
# (workloads/workloads, bench/monitors/monitors) is how a module finds the list it runs
join "$TMP/undefs" "$TMP/defs" | awk '$2 != $3 { print $2, $3 }' | sort -u |
	grep -v ' workloads/workloads$\| bench/monitors/monitors$' >"$TMP/link-edges"
tsort "$TMP/link-edges" >/dev/null 2>"$TMP/link-loops"
ok $([ -s "$TMP/link-edges" ] && ! [ -s "$TMP/link-loops" ] && echo 0 || echo 1) \
	"no circle in the $(wc -l <"$TMP/link-edges") link edges between modules"
[ -s "$TMP/link-loops" ] && diag "$(grep -v 'input contains a loop' "$TMP/link-loops" |
	sed 's/^tsort: //' | tr '\n' ' ')"
done_testing
