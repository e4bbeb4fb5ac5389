#!/bin/sh
# install-deps.sh - install the Debian 12 packages patchbench needs, when missing.
#
# Idempotent and quiet when everything is present: every `make` (all, test, run, deps, ...)
# runs it first, so a package removed since is installed again before the next build, run
# or test. Needs root (or sudo) only when something is missing.
set -eu

# chromium: the system tests render compare's HTML report headless (screenshot)
# patch: patchbench build applies series with GNU patch (build-essential only pulls it in
# indirectly, through dpkg-dev)
# clang-14 libclang-rt-14-dev: make fuzz (libFuzzer) and make test's sanitizer build and smoke
# run of the fuzz harnesses (libFuzzer is only a recommendation of clang-14)
# git: bisect over a git range (--source GITDIR --good --bad) and its test's tree
# slurm-wlm munge: ab --engine slurm (sbatch, squeue, scancel) and the one-node cluster
# its system test starts (slurmctld, slurmd, munged)
# e2fsprogs: mke2fs, run in the guest (its / is ours) for the selftests' ext2 scratch disk
PKGS="build-essential pkg-config perl flex bison bc cpio kmod xz-utils patch
libelf-dev libssl-dev libtracefs-dev libtraceevent-dev
linux-source-6.1 linux-perf trace-cmd qemu-system-x86 busybox-static ccache
gnuplot-nox hyperfine chromium clang-14 libclang-rt-14-dev git slurm-wlm munge e2fsprogs"

# One dpkg-query for all of them (~0.06 s here), so make runs this on every invocation.
# shellcheck disable=SC2086
missing=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' $PKGS 2>/dev/null |
	awk -v want="$PKGS" 'BEGIN { n = split(want, w) } $2 == "installed" { have[$1] = 1 }
		END { for (i = 1; i <= n; i++) if (!(w[i] in have)) printf " %s", w[i] }')
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# Package lists may be absent on a fresh machine; update once, then install.
$SUDO apt-get update -qq
# --no-install-recommends keeps qemu from pulling in a GUI stack.
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
