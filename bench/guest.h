/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_GUEST_H
#define PB_GUEST_H

/*
 * The contract between the host side of --target vm (vm.c) and patchbench
 * running as the guest's init (guest.c).
 */
#define GUEST_MARK_STARTED "patchbench-guest: started"	/* the boot watchdog's marker */
#define GUEST_MARK_FINISHED "patchbench-guest: finished"
#define GUEST_SHARE_TAG "results"	/* 9p mount tag of the result directory */
#define GUEST_SHARE_DIR "/run/patchbench/results"
#define GUEST_ARGS_FILE "guest-args"	/* "run" options, one "--name=value" per line */
#define GUEST_INFO_FILE "guest.info"	/* key=value: target, kernel, series, config_hash, notes */
#define GUEST_TMP "/run/tmp"		/* TMPDIR: /tmp is the host's, read-only */
#define GUEST_HOME "/run/home"
#define GUEST_WORK "/run/patchbench/work"	/* --workdir: build directories */

#endif
