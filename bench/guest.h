/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_GUEST_H
#define PB_GUEST_H

#include <stddef.h>

/*
 * The contract between the host side of --target vm (vm.c) and patchbench
 * running as the guest's init (guest.c).
 */
#define GUEST_MARK_STARTED "patchbench-guest: started"	/* the boot watchdog's marker */
#define GUEST_MARK_FINISHED "patchbench-guest: finished"
#define GUEST_SHARE_TAG "results"	/* 9p mount tag of the result directory */
#define GUEST_SHARE_DIR "/run/patchbench/results"
#define GUEST_TMP "/run/tmp"		/* TMPDIR: /tmp is the host's, read-only */
#define GUEST_HOME "/run/home"
#define GUEST_WORK "/run/patchbench/work"	/* --workdir: build directories */
#define GUEST_LOCALROOT "/run/patchbench/localroot"	/* guest_local_root()'s tmpfs */

/**
 * guest_local_root - give the calling process a root filesystem that behaves like a local one
 * @err: why it failed
 * @errlen: size of @err
 *
 * The guest's "/" is the host's root over 9p (or virtiofs), and 9p does
 * not keep negative dentries (v9fs_cached_dentry_delete), nor does tmpfs
 * (simple_lookup sets always_delete_dentry): test_kmem_basic, which counts
 * the slab of 100,000 failed lookups below "/", cannot pass on either. In a
 * private mount namespace this mounts an overlay with a tmpfs upper over
 * "/" (overlayfs keeps its negative dentries, charged to the memcg like
 * any other), binds every other mount of the guest to the same path in it
 * and chroot()s there, so all paths stay the same and writes land in the
 * tmpfs. Only the caller and its children see it; it goes away with them.
 * Needs CONFIG_OVERLAY_FS and root. Returns 0 or -errno (the caller may
 * then be in a namespace of its own with the old root: harmless).
 */
int guest_local_root(char *err, size_t errlen);

/* patchbench as the guest's init (PID 1): mount, run guest-args, power off. Never returns. */
void guest_init_main(void);

#endif
