#include "util/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

static char *read_holder(int fd)
{
	char buf[256];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return xstrdup(buf);
}

int lock_acquire(const struct safe_root *sr, const char *path, const char *verb,
		 struct lock *lk, char **holder)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	char line[200];
	int r;

	*holder = NULL;
	lk->fd = -1;
	lk->base = xstrdup(slash ? slash + 1 : path);
	lk->dirfd = safe_open_dir(sr, dir, SAFE_MKDIR);
	free(dir);
	if (lk->dirfd < 0) {
		r = lk->dirfd;
		free(lk->base);
		return r;
	}
	lk->fd = openat(lk->dirfd, lk->base, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (lk->fd < 0) {
		r = -errno;
		goto fail;
	}
	if (flock(lk->fd, LOCK_EX | LOCK_NB) < 0) {
		r = -errno;
		*holder = read_holder(lk->fd);
		goto fail;
	}
	/* Left over by a run that died: say whose it was, then take it over. */
	*holder = read_holder(lk->fd);
	snprintf(line, sizeof(line), "pid %ld, dom0cuda %s, since %ld\n", (long)getpid(), verb,
		 (long)time(NULL));
	if (ftruncate(lk->fd, 0) < 0 || pwrite(lk->fd, line, strlen(line), 0) < 0) {
		r = -errno;
		goto fail;
	}
	return 0;
fail:
	if (lk->fd >= 0)
		close(lk->fd);
	close(lk->dirfd);
	free(lk->base);
	lk->fd = lk->dirfd = -1;
	lk->base = NULL;
	return r;
}

void lock_release(struct lock *lk)
{
	if (lk->fd < 0)
		return;
	/* Unlink while still holding it, so no one locks a file we remove. */
	(void)unlinkat(lk->dirfd, lk->base, 0);
	close(lk->fd);
	close(lk->dirfd);
	free(lk->base);
	lk->fd = lk->dirfd = -1;
	lk->base = NULL;
}
