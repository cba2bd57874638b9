// SPDX-License-Identifier: GPL-2.0
/*
 * Access to /sys/kernel/debug/mmlab: the checks that explain why it cannot
 * be read, whole-file reads and the one-command writes of `control` and `walk`.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "mmlab.h"

#define DEBUGFS_MAGIC	0x64626720

const char *mm_dir = MM_DIR;

/**
 * mm_check_access() - say clearly why mmlab's debugfs cannot be read.
 *
 * With --dir (fixtures) only the directory must exist. Otherwise: root,
 * debugfs mounted at /sys/kernel/debug, and the module loaded.
 *
 * Return: 0, or 1 after printing the reason on stderr.
 */
int mm_check_access(void)
{
	struct statfs sfs;
	struct stat st;

	if (strcmp(mm_dir, MM_DIR)) {
		if (stat(mm_dir, &st) || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "mmlab: %s: not a directory\n", mm_dir);
			return 1;
		}
		return 0;
	}
	if (geteuid() != 0) {
		fprintf(stderr,
			"mmlab: must be root: %s is readable by root only (try sudo mmlab)\n",
			MM_DIR);
		return 1;
	}
	if (statfs(MM_DEBUGFS, &sfs) || sfs.f_type != DEBUGFS_MAGIC) {
		fprintf(stderr, "mmlab: debugfs is not mounted on %s: mount -t debugfs none %s\n",
			MM_DEBUGFS, MM_DEBUGFS);
		return 1;
	}
	if (stat(MM_DIR, &st)) {
		fprintf(stderr, "mmlab: the mmlab module is not loaded (no %s): insmod mmlab.ko\n",
			MM_DIR);
		return 1;
	}
	return 0;
}

/* Reads a whole file (debugfs files have no size); NULL with errno set. */
char *mm_read_path(const char *path)
{
	size_t len = 0, cap = 16384;
	char *buf;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	buf = xcalloc(1, cap);
	for (;;) {
		if (len + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			close(fd);
			free(buf);
			errno = err;
			return NULL;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

char *mm_read(const char *file)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", mm_dir, file);
	return mm_read_path(path);
}

bool mm_exists(const char *file)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", mm_dir, file);
	return access(path, F_OK) == 0;
}

/*
 * One command in one write at offset 0, as control and walk want it.
 * Return: 0, or -errno (-EINVAL: refused, -ENOMEM: the pool is exhausted).
 */
int mm_write(const char *file, const char *cmd)
{
	char path[512];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", mm_dir, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, cmd, strlen(cmd));
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(cmd))
		err = -EIO;
	close(fd);
	return err;
}

int mm_control(const char *cmd)
{
	int err = mm_write("control", cmd);

	if (err)
		fprintf(stderr, "mmlab: control: '%s': %s\n", cmd, strerror(-err));
	return err;
}

/* Reads @file, or says on stderr why it cannot. */
char *mm_need(const char *file)
{
	char *text = mm_read(file);

	if (!text)
		fprintf(stderr, "mmlab: cannot read %s/%s: %s\n", mm_dir, file, strerror(errno));
	return text;
}

/* Reports a parse error of @file; returns 1 for the exit status. */
int mm_bad(const char *file)
{
	fprintf(stderr, "mmlab: %s/%s: %s\n", mm_dir, file, mm_parse_error);
	return 1;
}
