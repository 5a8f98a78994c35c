#include "util/safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *rel(const char *p)
{
	while (*p == '/')
		p++;
	return *p ? p : ".";
}

/* Walks dir one component at a time without following symlinks: used where
 * openat2 is missing, and to create directories. */
static int walk_dir(const struct safe_root *sr, const char *dir, unsigned flags)
{
	char *copy = xstrdup(rel(dir)), *save = NULL;
	int fd = openat(sr->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		free(copy);
		return -errno;
	}
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		int nfd;

		if (strcmp(c, "..") == 0) {
			close(fd);
			free(copy);
			return -EXDEV;
		}
		nfd = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT && (flags & SAFE_MKDIR)) {
			if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
				int r = -errno;

				close(fd);
				free(copy);
				return r;
			}
			nfd = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (nfd < 0) {
			/* A symlink where a directory should be: under --root we
			 * cannot tell where it would lead, so treat it as leaving. */
			int r = (errno == ELOOP || errno == ENOTDIR) && !sr->live ? -EXDEV : -errno;

			close(fd);
			free(copy);
			return r;
		}
		close(fd);
		fd = nfd;
	}
	free(copy);
	return fd;
}

int safe_open_dir(const struct safe_root *sr, const char *dir, unsigned flags)
{
	static int have_openat2 = 1;
	int fd;

	if (sr->live) {
		fd = openat(sr->fd, rel(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno != ENOENT || !(flags & SAFE_MKDIR))
			return -errno;
		return walk_dir(sr, dir, flags);
	}
	if (have_openat2) {
		struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
					.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };

		fd = (int)syscall(SYS_openat2, sr->fd, rel(dir), &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno == ENOSYS || errno == EPERM)
			have_openat2 = 0;
		else if (errno != ENOENT || !(flags & SAFE_MKDIR))
			return -errno;
	}
	return walk_dir(sr, dir, flags);
}

static int split(const char *path, char **dir, const char **base)
{
	const char *s = strrchr(path, '/');

	if (!s) {
		*dir = xstrdup(".");
		*base = path;
	} else {
		*dir = xstrndup(path, (size_t)(s - path));
		*base = s + 1;
	}
	if (!**base || strcmp(*base, "..") == 0 || strcmp(*base, ".") == 0) {
		free(*dir);
		return -EINVAL;
	}
	return 0;
}

int safe_read(const struct safe_root *sr, const char *path, size_t max, struct strbuf *out,
	      struct stat *st)
{
	char *dir, buf[8192];
	const char *base;
	struct stat tmp;
	int dfd, fd, r = 0;

	if (split(path, &dir, &base) < 0)
		return -EINVAL;
	dfd = safe_open_dir(sr, dir, 0);
	free(dir);
	if (dfd < 0)
		return dfd;
	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	r = fd < 0 ? -errno : 0;
	close(dfd);
	if (r < 0)
		return r;
	if (!st)
		st = &tmp;
	if (fstat(fd, st) < 0)
		r = -errno;
	else if (!S_ISREG(st->st_mode))
		r = -EINVAL;
	if (r < 0) {
		close(fd);
		return r;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : 0;
			break;
		}
		if (out->len + (size_t)n > max) {
			r = -EFBIG;
			break;
		}
		strbuf_add(out, buf, (size_t)n);
	}
	close(fd);
	return r;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int safe_write(const struct safe_root *sr, const char *path, const void *data, size_t len,
	       mode_t mode_if_new, unsigned flags)
{
	char *dir, *tmp;
	const char *base;
	struct stat st;
	bool exists;
	int dfd, fd, r;

	if (split(path, &dir, &base) < 0)
		return -EINVAL;
	dfd = safe_open_dir(sr, dir, flags);
	free(dir);
	if (dfd < 0)
		return dfd;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode) || !S_ISREG(st.st_mode)) {
			close(dfd);
			return S_ISLNK(st.st_mode) ? -ELOOP : -EINVAL;
		}
		exists = true;
	} else if (errno == ENOENT) {
		exists = false;
	} else {
		r = -errno;
		close(dfd);
		return r;
	}
	tmp = xasprintf(".%s.dom0cuda-tmp", base);
	/* A temp file left by a crash is ours to replace. */
	(void)unlinkat(dfd, tmp, 0);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	r = write_all(fd, data, len);
	if (r == 0 && fchmod(fd, exists ? (st.st_mode & 07777) : mode_if_new) < 0)
		r = -errno;
	if (r == 0 && exists && (st.st_uid != geteuid() || st.st_gid != getegid()) &&
	    fchown(fd, st.st_uid, st.st_gid) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dfd, tmp, dfd, base) < 0)
		r = -errno;
	if (r < 0)
		(void)unlinkat(dfd, tmp, 0);
	else if (fsync(dfd) < 0)
		r = -errno;
out:
	free(tmp);
	close(dfd);
	return r;
}

int safe_unlink(const struct safe_root *sr, const char *path)
{
	char *dir;
	const char *base;
	int dfd, r = 0;

	if (split(path, &dir, &base) < 0)
		return -EINVAL;
	dfd = safe_open_dir(sr, dir, 0);
	free(dir);
	if (dfd < 0)
		return dfd == -ENOENT ? 0 : dfd;
	if (unlinkat(dfd, base, 0) < 0)
		r = errno == ENOENT ? 0 : -errno;
	else if (fsync(dfd) < 0)
		r = -errno;
	close(dfd);
	return r;
}

const char *safe_strerror(int r)
{
	switch (r) {
	case -EXDEV:
		return "a symlink on the path leads outside --root; refusing to follow it";
	case -ELOOP:
		return "it is a symlink; refusing to replace or follow it";
	default:
		return strerror(-r);
	}
}
