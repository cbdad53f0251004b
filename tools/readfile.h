/* SPDX-License-Identifier: GPL-2.0 */
/*
 * read_small(): one read of a small kernel file (sysfs, procfs), the
 * reader imrstat and the lab's samplers (test/progs/rsswatch.c, memlog.c)
 * share.  A header of tools/ because imrstat is built and installed from
 * tools/ alone; the lab includes it from there.
 */
#ifndef IMR_READFILE_H
#define IMR_READFILE_H

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

/*
 * Up to size - 1 bytes of path into buf, NUL-terminated.  Returns their
 * count, or -1 if path cannot be opened or reads as empty (a process
 * gone, a module unloaded).  Kernel files of this size give all they
 * have in one read.
 */
static inline ssize_t read_small(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

#endif /* IMR_READFILE_H */
