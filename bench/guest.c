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
#include "target.h"
#include "util.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
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
