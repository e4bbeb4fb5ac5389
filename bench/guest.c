// SPDX-License-Identifier: GPL-2.0
/*
 * guest.c - patchbench as PID 1 of a guest booted by "run --target vm".
 *
 * It mounts what a run needs (proc, sysfs, devtmpfs, tmpfs for everything
 * writable, the result share, cgroup2 with the memory controller, tracefs),
 * then runs the same run_main() as --target host with the options the host
 * wrote into the share, and powers the machine off. PID 1 must never exit:
 * every path ends in reboot(RB_POWER_OFF).
 */
#include "guest.h"
#include "run-opts.h"
#include "spawn.h"
#include "target.h"
#include "util.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static void mnt(const char *src, const char *dir, const char *type, unsigned long flags,
		const char *data)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, flags, data) < 0 && errno != EBUSY)
		fprintf(stderr, "patchbench: warning: cannot mount %s on %s: %s\n", type, dir,
			strerror(errno));
}

static void power_off(void)
{
	sync();
	umount2(GUEST_SHARE_DIR, MNT_DETACH);
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

/* Decode mountinfo's octal escapes ("\040" for a space) in place. */
static void unescape_octal(char *s)
{
	char *d = s;

	for (; *s; s++, d++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*d = *s;
		}
	}
	*d = '\0';
}

/*
 * Bind every mount of @mountinfo but "/" to the same path below @root, in
 * mountinfo's order (a parent before its children), one level each: the
 * tree the process sees stays the same, only its root filesystem changes.
 */
static int bind_mounts(char *mountinfo, const char *root, char *err, size_t errlen)
{
	char *line, *save = NULL;
	int ret = 0;

	for (line = strtok_r(mountinfo, "\n", &save); line && !ret;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[5], *sp = NULL, *target;
		int i;

		f[0] = strtok_r(line, " ", &sp);
		for (i = 1; i < 5 && f[i - 1]; i++)
			f[i] = strtok_r(NULL, " ", &sp);
		if (i < 5 || !f[4])
			continue;
		unescape_octal(f[4]);
		if (!strcmp(f[4], "/") || !strncmp(f[4], GUEST_LOCALROOT, strlen(GUEST_LOCALROOT)))
			continue;
		target = xasprintf("%s%s", root, f[4]);
		mkdir(target, 0755);
		if (mount(f[4], target, NULL, MS_BIND, NULL)) {
			ret = -errno;
			snprintf(err, errlen, "cannot bind '%s' to '%s': %s", f[4], target,
				 strerror(errno));
		}
		free(target);
	}
	return ret;
}

int guest_local_root(char *err, size_t errlen)
{
	struct strbuf mi = STRBUF_INIT;
	const char *root = GUEST_LOCALROOT "/root";
	int ret;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		ret = -errno;
		snprintf(err, errlen, "cannot make a private mount namespace: %s", strerror(errno));
		goto out;
	}
	ret = read_file("/proc/self/mountinfo", &mi);
	if (ret) {
		snprintf(err, errlen, "cannot read '/proc/self/mountinfo': %s", strerror(-ret));
		goto out;
	}
	mkdir(GUEST_LOCALROOT, 0755);
	if (mount("tmpfs", GUEST_LOCALROOT, "tmpfs", 0, "mode=0755")) {
		ret = -errno;
		snprintf(err, errlen, "cannot mount a tmpfs on '%s': %s", GUEST_LOCALROOT,
			 strerror(errno));
		goto out;
	}
	mkdir(GUEST_LOCALROOT "/upper", 0755);
	mkdir(GUEST_LOCALROOT "/work", 0755);
	mkdir(root, 0755);
	if (mount("overlay", root, "overlay", 0, "lowerdir=/,upperdir=" GUEST_LOCALROOT
		  "/upper,workdir=" GUEST_LOCALROOT "/work")) {
		ret = -errno;
		snprintf(err, errlen, "cannot mount an overlay on '%s': %s%s", root,
			 strerror(errno),
			 errno == ENODEV ? " (a kernel without CONFIG_OVERLAY_FS)" : "");
		goto out;
	}
	ret = bind_mounts(mi.buf, root, err, errlen);
	if (ret)
		goto out;
	if (chdir(root) || chroot(".") || chdir("/")) {
		ret = -errno;
		snprintf(err, errlen, "cannot change the root to '%s': %s", root, strerror(errno));
	}
out:
	sb_release(&mi);
	return ret;
}

int guest_scratch_disk(const char *dir, uint64_t size, const char *log, char *err,
		       size_t errlen)
{
	char bytes[32];
	/* -F: a whole device; -m 0: no reserved blocks; -q: errors only */
	char *argv[] = { "mke2fs", "-q", "-F", "-m", "0", "-t", "ext2", GUEST_DISK_DEV, NULL };
	int ret;

	/* a disk from an earlier use in this boot goes first (EBUSY while it is in use) */
	write_file_str("/sys/block/zram0/reset", "1");
	snprintf(bytes, sizeof(bytes), "%llu", (unsigned long long)size);
	ret = write_file_str("/sys/block/zram0/disksize", bytes);
	if (ret) {
		snprintf(err, errlen, "cannot size %s: %s%s", GUEST_DISK_DEV, strerror(-ret),
			 ret == -ENOENT ? " (a kernel without CONFIG_ZRAM)" : "");
		return ret;
	}
	ret = run_logged(argv, log);
	if (ret) {
		snprintf(err, errlen, "mke2fs %s failed (exit %d, see %s)", GUEST_DISK_DEV, ret,
			 log);
		goto fail;
	}
	ret = mkdir_p(dir, 0755);
	if (ret) {
		snprintf(err, errlen, "cannot create '%s': %s", dir, strerror(-ret));
		goto fail;
	}
	if (mount(GUEST_DISK_DEV, dir, "ext2", 0, NULL)) {
		ret = -errno;
		snprintf(err, errlen, "cannot mount %s on '%s': %s%s", GUEST_DISK_DEV, dir,
			 strerror(errno), errno == ENODEV ? " (a kernel without CONFIG_EXT2_FS)" : "");
		goto fail;
	}
	if (chmod(dir, 01777))
		pr_warn("cannot chmod '%s': %s", dir, strerror(errno));
	return 0;
fail:
	write_file_str("/sys/block/zram0/reset", "1");
	return ret < 0 ? ret : -EIO;
}

void guest_scratch_disk_release(const char *dir)
{
	if (umount2(dir, MNT_DETACH))
		pr_warn("cannot unmount '%s': %s", dir, strerror(errno));
	else
		rmdir(dir);
	write_file_str("/sys/block/zram0/reset", "1");
}

int guest_cgroup2_without(const char *flag, char **old)
{
	static const char *const flags[] = { "nsdelegate", "memory_localevents",
					     "memory_recursiveprot", NULL };
	struct strbuf sb = STRBUF_INIT, cur = STRBUF_INIT, next = STRBUF_INIT;
	const char *p, *end;
	bool had = false;
	int ret, i;

	*old = NULL;
	ret = read_file("/proc/self/mounts", &sb);
	if (ret)
		return ret;
	/* "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nsdelegate,memory_recursiveprot 0 0" */
	p = strstr(sb.buf, " /sys/fs/cgroup cgroup2 ");
	end = p ? strchr(p + strlen(" /sys/fs/cgroup cgroup2 "), ' ') : NULL;
	if (!end) {
		sb_release(&sb);
		return -ENOENT;
	}
	p += strlen(" /sys/fs/cgroup cgroup2 ") - 1;
	for (i = 0; flags[i]; i++) {
		const char *f = strstr(p, flags[i]);
		size_t n = strlen(flags[i]);

		if (!f || f > end || (f[n] != ',' && f[n] != ' ') || (f[-1] != ',' && f[-1] != ' '))
			continue;
		sb_addf(&cur, "%s%s", cur.len ? "," : "", flags[i]);
		if (!strcmp(flags[i], flag))
			had = true;
		else
			sb_addf(&next, "%s%s", next.len ? "," : "", flags[i]);
	}
	sb_release(&sb);
	if (!had) {
		ret = 1;
	} else {
		ret = guest_cgroup2_remount(next.len ? next.buf : "");
		if (!ret)
			*old = xstrdup(cur.buf);
	}
	sb_release(&cur);
	sb_release(&next);
	return ret;
}

int guest_cgroup2_remount(const char *opts)
{
	return mount(NULL, "/sys/fs/cgroup", NULL, MS_REMOUNT, opts) ? -errno : 0;
}

int guest_loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		ret = -errno;
	if (!ret && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			ret = -errno;
	}
	close(fd);
	return ret;
}

void guest_init_main(void)
{
	struct run_opts o;
	struct utsname u;
	int ret, code = 2;

	mnt("proc", "/proc", "proc", 0, NULL);
	mnt("sysfs", "/sys", "sysfs", 0, NULL);
	mnt("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mnt("devpts", "/dev/pts", "devpts", 0, NULL);
	mnt("tmpfs", "/run", "tmpfs", 0, "mode=0755");
	mnt("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777");
	uname(&u);
	printf("%s %s\n", GUEST_MARK_STARTED, u.release);
	fflush(stdout);
	mkdir("/run/patchbench", 0755);
	mnt(GUEST_SHARE_TAG, GUEST_SHARE_DIR, "9p", 0, "trans=virtio,version=9p2000.L,msize=512000");
	mnt("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, "nsdelegate,memory_recursiveprot");
	mnt("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
	mnt("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	/* as on any machine (test_memcg_sock connects to localhost) */
	ret = guest_loopback_up();
	if (ret)
		pr_warn("cannot bring up lo: %s", strerror(-ret));
	/*
	 * Only /run is writable (tmpfs): /tmp, /var/tmp and /root stay the
	 * host's, read-only, because the kernel source and the prepared object
	 * directory may live there.
	 */
	mkdir(GUEST_TMP, 01777);
	mkdir(GUEST_HOME, 0700);
	mkdir(GUEST_WORK, 0755);
	setenv("HOME", GUEST_HOME, 1);
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("TMPDIR", GUEST_TMP, 1);
	setenv("LANG", "C", 1);
	if (chdir(GUEST_TMP) < 0)
		pr_warn("cannot chdir to %s: %s", GUEST_TMP, strerror(errno));

	ret = run_opts_guest_read(&o, GUEST_SHARE_DIR);
	if (!ret) {
		free(o.out);
		o.out = xstrdup(GUEST_SHARE_DIR);
		o.out_exists = true;
		free(o.target);
		o.target = xstrdup("host");
		code = run_main(&o);
	}
	run_opts_release(&o);
	printf("%s status=%d\n", GUEST_MARK_FINISHED, code);
	fflush(stdout);
	power_off();
}
