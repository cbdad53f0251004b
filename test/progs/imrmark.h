/* SPDX-License-Identifier: GPL-2.0 */
/*
 * imr_mark(): a timestamped marker from an L3 guest to the lab host.
 *
 * The serial console is no clock: under load its output reached the host
 * after the memory the marker announced had already come back.  An OUT to
 * QEMU's isa-debugcon port (0xe9, which the lab gives every guest) is a
 * synchronous VM exit: QEMU has written the line to the guest's .mark file
 * before the guest executes its next instruction.  The line also goes to
 * stdout, for the console log.
 *
 * The OUT is done by the guest kernel through /dev/port, one byte per
 * pwrite() (it steps the port per byte): a user-mode OUT after ioperm()
 * faulted in the lab's nested guests (TCG's SVM does not honour the TSS I/O
 * bitmap there).
 */
#ifndef IMRMARK_H
#define IMRMARK_H

#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#define IMR_DEBUGCON_PORT 0xe9

static inline void imr_mark(const char *text)
{
	static int port_fd = -2;
	char line[256];
	size_t i, n;

	n = (size_t)snprintf(line, sizeof(line), "IMR-MARK %s\n", text);
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	fputs(line, stdout);
	fflush(stdout);
	if (port_fd == -2)
		port_fd = open("/dev/port", O_WRONLY | O_CLOEXEC);
	for (i = 0; port_fd >= 0 && i < n; i++)
		if (pwrite(port_fd, &line[i], 1, IMR_DEBUGCON_PORT) != 1)
			break;
}

#endif
