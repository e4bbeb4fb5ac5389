/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_GUEST_H
#define PB_GUEST_H

#include <stddef.h>
#include <stdint.h>

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

#define GUEST_DISK_DEV "/dev/zram0"	/* guest_scratch_disk()'s block device */

/**
 * guest_scratch_disk - mount a fresh ext2 on a zram disk at @dir
 * @dir: the mount point (created)
 * @size: the disk's size in bytes (zram stores what is written, compressed)
 * @log: where mke2fs's output goes
 * @err: why it failed
 * @errlen: size of @err
 *
 * test_memcontrol makes its page cache in its cwd (O_TMPFILE, then reads
 * the file's holes) and expects it to be charged, and reclaimed under
 * memory.high/max. On tmpfs neither happens: a hole reads as the zero page
 * (nothing allocated) and shmem without swap cannot be reclaimed. An ext2
 * on zram behaves like a disk: a hole read allocates a clean page cache
 * page, which reclaim can drop. Sizes zram0 (CONFIG_ZRAM), runs the
 * host's mke2fs (the guest's / is the host's) and mounts it (CONFIG_EXT2_FS).
 * Returns 0 or -errno; guest_scratch_disk_release() undoes it.
 */
int guest_scratch_disk(const char *dir, uint64_t size, const char *log, char *err,
		       size_t errlen);
void guest_scratch_disk_release(const char *dir);

/**
 * guest_cgroup2_without - remount the guest's cgroup2 (/sys/fs/cgroup) without @flag
 * @flag: a cgroup2 mount flag, e.g. "memory_recursiveprot"
 * @old: set to its flags before (e.g. "nsdelegate,memory_recursiveprot"), for
 *       guest_cgroup2_remount(); the caller frees it
 *
 * cgroup2's flags belong to the hierarchy, not to a mount: this changes them
 * for the whole guest. Returns 1 when @flag was not set (nothing done), 0
 * when remounted without it, or -errno.
 */
int guest_cgroup2_without(const char *flag, char **old);
/* Remount /sys/fs/cgroup with the flags @opts. 0 or -errno. */
int guest_cgroup2_remount(const char *opts);

/** guest_loopback_up - bring up "lo" (test_memcg_sock talks TCP over it). 0 or -errno. */
int guest_loopback_up(void);

/* patchbench as the guest's init (PID 1): mount, run guest-args, power off. Never returns. */
void guest_init_main(void);

#endif
