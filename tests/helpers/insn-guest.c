// SPDX-License-Identifier: GPL-2.0
/*
 * insn-guest.c - a guest init for the instruction-count plugin's system test.
 *
 *   qemu ... -plugin build/pb-insn.so,out=X -append "... init=build/tests/insn-guest -- LOOPS READS"
 *
 * Pins itself to CPU 0, opens the window, runs a user-space loop of exactly
 * 2 * LOOPS + 1 instructions, reads a file of the shared root READS times
 * between read markers (one tick after each), then runs the loop 4 times more
 * as marked work (3 operations one after the other, then one nested in
 * another part, then one WORK_END without a begin), closes the window and
 * powers off. It is the only user process in the guest, so the user
 * instructions of two boots with different LOOPS differ by exactly 2 * 5 times
 * the difference of LOOPS (2 * 4 times in the "work" row): the test asserts
 * that.
 */
#define _GNU_SOURCE
#include "insn-marker.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/reboot.h>
#include <unistd.h>

/* 2 * @loops + 1 instructions: one mov, then a dec and a jnz per loop. */
static void spin(unsigned long loops)
{
	__asm__ volatile("mov %0, %%rcx\n"
			 "1:\tdec %%rcx\n\t"
			 "jnz 1b" : : "r" (loops) : "rcx", "cc");
}

int main(int argc, char **argv)
{
	unsigned long loops = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	long reads = argc > 2 ? strtol(argv[2], NULL, 10) : 10;
	char buf[4096];
	int fd = open("/etc/os-release", O_RDONLY);
	cpu_set_t cpu0;
	long i;

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_setaffinity(0, sizeof(cpu0), &cpu0))
		perror("insn-guest: sched_setaffinity");
	PB_MARK(PB_MARK_WINDOW_BEGIN);
	spin(loops);
	for (i = 0; fd >= 0 && i < reads; i++) {
		PB_MARK(PB_MARK_READ_BEGIN);
		if (pread(fd, buf, sizeof(buf), 0) < 0)
			break;
		PB_MARK(PB_MARK_READ_END);
		PB_MARK(PB_MARK_TICK);
	}
	for (int k = 0; k < 3; k++) {
		PB_MARK(PB_MARK_WORK_BEGIN);
		spin(loops);
		PB_MARK(PB_MARK_WORK_OP);
	}
	PB_MARK(PB_MARK_WORK_BEGIN);
	PB_MARK(PB_MARK_WORK_BEGIN);
	spin(loops);
	PB_MARK(PB_MARK_WORK_OP);
	PB_MARK(PB_MARK_WORK_END);
	PB_MARK(PB_MARK_WORK_END);	/* unmatched */
	PB_MARK(PB_MARK_WINDOW_END);
	printf("insn-guest: done loops=%lu reads=%ld\n", loops, i);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
