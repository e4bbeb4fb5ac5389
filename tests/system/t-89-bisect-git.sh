#!/bin/sh
# patchbench bisect over a git range: a real git tree of Debian's 6.1 source with the four
# bisect-demo patches as commits (only the third adds a cost), bisected from its first
# commit to HEAD under qemu (TCG) with the instruction counts, -w kmem-churn
# --kmem-churn-children 20 --cpus 1, 2 runs per kernel. Each commit measured is exported
# (git archive) into the cache and built as git-<sha12> (~1 min each with ccache: the
# export is named like the tarball's tree, so the compile commands are vanilla's).
# The tree is made once, in <cache>/test-repos/linux-source-6.1 (~20 s: untar, git add,
# git am of kernels/series/bisect-demo, identity and dates fixed so that the commit ids
# are the same on every machine).
# Pass: bad input is exit 2 with one line before anything is built (a non-git --source
# with --good, --good without --bad, --series with --good, --base with --good, an unknown
# ref, good == bad, good not an ancestor of bad); the bisection exits 0 naming the third
# commit (id and subject) on stdout, in BISECT.txt (72 columns, the parent-vs-first-bad
# table) and in bisect.json; the kernels' cache key is the commit id (kernel.json
# source_id git:<sha>); the user's tree is as it was: HEAD, refs, worktrees, status.
. "$(dirname "$0")/lib.sh"
require_root_memcg
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 missing (make deps)"
command -v git >/dev/null || skip_all "git missing (make deps)"
[ -e /usr/src/linux-source-6.1.tar.xz ] || skip_all "linux-source-6.1 not installed (make deps)"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
[ -e "$TOP/build/pb-insn.so" ] || skip_all "build/pb-insn.so not built (make test builds it)"
CACHE=${PATCHBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/patchbench}

TMP=$(mktemp -d /tmp/pb-bisect-git.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 10
SMALL="-w kmem-churn --kmem-churn-children 20 --cpus 1 -q"

# --- the git tree, made once -------------------------------------------------------------
REPO=$CACHE/test-repos/linux-source-6.1
export GIT_AUTHOR_NAME=patchbench GIT_AUTHOR_EMAIL=patchbench@localhost \
	GIT_COMMITTER_NAME=patchbench GIT_COMMITTER_EMAIL=patchbench@localhost \
	GIT_AUTHOR_DATE="2026-12-02T08:40:03Z" GIT_COMMITTER_DATE="2026-12-02T08:40:03Z"
if ! git -C "$REPO" rev-parse -q --verify refs/tags/bisect-demo-good >/dev/null 2>&1; then
	s=$(date +%s)
	rm -rf "$REPO.tmp" "$REPO"
	mkdir -p "$REPO.tmp"
	# Debian's tree ignores everything at its top level (.gitignore "/*"): add -f
	if tar -xf /usr/src/linux-source-6.1.tar.xz -C "$REPO.tmp" &&
		(cd "$REPO.tmp/linux-source-6.1" && git init -q -b master &&
		git add -f . && git commit -q -m "linux-source-6.1 (Debian 12)" &&
		git tag bisect-demo-good &&
		grep -v '^#' "$TOP/kernels/series/bisect-demo/series" |
		sed "s|^|$TOP/kernels/series/bisect-demo/|" | xargs git am -q) &&
		mv "$REPO.tmp/linux-source-6.1" "$REPO"; then
		diag "made the git tree $REPO in $(( $(date +%s) - s ))s"
	fi
	rm -rf "$REPO.tmp"
fi
unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE
git -C "$REPO" rev-parse -q --verify refs/tags/bisect-demo-good >/dev/null 2>&1 ||
	skip_all "cannot make the git tree $REPO"
BAD=$(git -C "$REPO" rev-parse HEAD~1)		# the third commit: memcg_stat_audit()
PARENT=$(git -C "$REPO" rev-parse HEAD~2)
SHORT=$(echo "$BAD" | cut -c1-12)

# --- bad input: exit 2, one line, nothing built ------------------------------------------
bad() {	# bad NAME GREP ARGS...: exit 2, one line matching GREP, nothing in -o
	name=$1 pat=$2
	shift 2
	"$PB" bisect -o "$TMP/none" "$@" >"$TMP/o" 2>&1
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/o")" -eq 1 ] && grep -q "$pat" "$TMP/o" &&
		[ ! -e "$TMP/none" ]; then
		return 0
	fi
	diag "$name: rc $rc: $(cat "$TMP/o")" >&2
	return 1
}
mkdir -p "$TMP/plain"
ok $(bad "tarball" "is not a git tree" --source /usr/src/linux-source-6.1.tar.xz --good a --bad b &&
	bad "plain dir" "is not a git tree" --source "$TMP/plain" --good a --bad b &&
	bad "no --source" "need --source DIR" --good bisect-demo-good --bad HEAD
	echo $?) "a non-git --source (a tarball, a directory) or none with --good: exit 2, one line"
ok $(bad "no --bad" "^patchbench: error: --good needs --bad" --source "$REPO" --good bisect-demo-good &&
	bad "series" "exclude each other" --source "$REPO" --good bisect-demo-good --bad HEAD --series noop &&
	bad "base" "exclude each other" --source "$REPO" --good bisect-demo-good --bad HEAD --base vanilla
	echo $?) "--good without --bad, with --series, with --base: exit 2, one line"
ok $(bad "unknown ref" "'no-such-ref' is not a commit in '$REPO'" --source "$REPO" --good no-such-ref --bad HEAD &&
	bad "good == bad" "the same commit" --source "$REPO" --good HEAD --bad HEAD &&
	bad "reversed" "is not an ancestor of --bad" --source "$REPO" --good HEAD --bad bisect-demo-good
	echo $?) "an unknown ref, good == bad, good after bad: exit 2, one line"

# --- the bisection -----------------------------------------------------------------------
state() {
	git -C "$REPO" rev-parse HEAD
	git -C "$REPO" for-each-ref
	git -C "$REPO" worktree list --porcelain
	git -C "$REPO" status --porcelain=v1 --branch --ignored
}
state >"$TMP/before"
B=$TMP/git
s=$(date +%s)
# shellcheck disable=SC2086
"$PB" bisect --source "$REPO" --good bisect-demo-good --bad HEAD -o "$B" $SMALL \
	>"$TMP/b.out" 2>"$TMP/b.err"
rc=$?
diag "git range: rc $rc, $(( $(date +%s) - s ))s"
[ $rc -eq 0 ] || diag "$(tail -15 "$TMP/b.err")"
grep "^bisect: " "$TMP/b.err" | sed 's/^/# /' >&2
ok $([ $rc -eq 0 ] && grep -q "^bisect: first bad commit: 3/4 $SHORT mm: memcg: audit every stat update$" \
	"$TMP/b.out" && echo 0 || echo 1) "exit 0, first bad commit 3/4 $SHORT and its subject (rc $rc)"
R=$B/BISECT.txt
ok $(grep -q "^patchbench bisect: commits [0-9a-f]\{12\}\.\.[0-9a-f]\{12\} of$" "$R" &&
	grep -q "^  $REPO$" "$R" && grep -q "^first bad commit: 3/4$" "$R" &&
	grep -q "^  $BAD$" "$R" && grep -q "^  mm: memcg: audit every stat update$" "$R" &&
	grep -q "^git-$(echo "$PARENT" | cut -c1-12) (parent) vs git-$SHORT (first bad):$" "$R" &&
	grep -q "^memcg_stat_audit .* new  regression \*$" "$R" &&
	grep -q "^target vm-tcg, kernel .*, 2 run(s) per kernel, 4 commits$" "$R"
	echo $?) "BISECT.txt: the range, the commit id and subject, parent vs first bad"
width=$(awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }' "$R")
ok $([ "$width" -le 72 ] && echo 0 || echo 1) "BISECT.txt fits 72 columns ($width)"
[ -s "$R" ] && sed 's/^/# /' "$R"
j=$(tr -d ' \n' <"$B/bisect.json")
ok $(echo "$j" | grep -q '"status":"found",' && echo "$j" | grep -q "\"first_bad_commit\":\"$BAD\"" &&
	echo "$j" | grep -q "\"source\":\"$REPO\"" &&
	echo "$j" | grep -q "\"prefix\":3,\"kernel\":\"git-$SHORT\",\"commit\":\"$BAD\"" &&
	echo "$j" | grep -q '"prefix":3,[^}]*"mark":"bad"' && echo 0 || echo 1) \
	"bisect.json: found, first_bad_commit, the source, each step's commit"
ok $(grep -q "\"source_id\": *\"git:$BAD\"" "$CACHE/kernels/git-$SHORT/kernel.json" &&
	[ -f "$CACHE/git/$BAD/src/linux-source-6.1/mm/memcontrol.c" ] &&
	"$PB" kernels | grep -A1 "^git-$SHORT " | grep -q "  commit $SHORT$" && echo 0 || echo 1) \
	"the kernel's cache key is the commit id ('kernels' names it); its export is in the cache"
state >"$TMP/after"
ok $(cmp -s "$TMP/before" "$TMP/after" && echo 0 || echo 1) \
	"the git tree is as it was: HEAD, refs, worktrees, status"
cmp -s "$TMP/before" "$TMP/after" || diff "$TMP/before" "$TMP/after" | sed 's/^/# /' >&2
ok_no_leftovers
done_testing
