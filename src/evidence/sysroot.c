#include "evidence/sysroot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/log.h"

/* openat2(2) (Linux 5.6). Declared here: the binary must build against old
 * headers and run on XCP-ng's 4.19 dom0 kernel, where it returns ENOSYS. */
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
struct d0c_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#define D0C_RESOLVE_IN_ROOT 0x10

static bool same_file(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static const char *skip_slashes(const char *p)
{
	while (*p == '/')
		p++;
	return *p ? p : ".";
}

int sysroot_open(struct sysroot *sr, const char *root)
{
	struct stat st;
	size_t len = strlen(root);

	memset(sr, 0, sizeof(*sr));
	sr->dirfd = -1;
	while (len > 1 && root[len - 1] == '/')
		len--;
	sr->root = xstrndup(root, len);
	sr->dirfd = open(sr->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sr->dirfd < 0) {
		int r = -errno;
		if (r == -ENOTDIR || (stat(sr->root, &st) == 0 && !S_ISDIR(st.st_mode)))
			r = -ENOTDIR;
		free(sr->root);
		sr->root = NULL;
		return r;
	}
	sr->live = strcmp(sr->root, "/") == 0;
	return 0;
}

void sysroot_close(struct sysroot *sr)
{
	if (sr->dirfd >= 0)
		close(sr->dirfd);
	free(sr->root);
	sr->root = NULL;
	sr->dirfd = -1;
}

/* RESOLVE_IN_ROOT in user space, for kernels without openat2: walks path one
 * component at a time from the root, never following a symlink with the
 * kernel; an absolute link target restarts at the root and ".." stops there,
 * so a capture's links (sysfs has many) resolve inside it, as in a chroot.
 * Without this, a hostile bundle's absolute link would make `report` copy a
 * host file into a new bundle. */
#define SYSROOT_MAX_LINKS 40

static int open_in_root(int rootfd, const char *path, int flags)
{
	struct strbuf todo = STRBUF_INIT;   /* what is left to resolve */
	int dir = -1, links = 0, r;

	strbuf_addstr(&todo, path);
	if ((dir = dup(rootfd)) < 0)
		return -errno;
	for (;;) {
		char *p = todo.buf, *name, *rest;
		char target[4096];
		ssize_t n;
		int fd;

		while (*p == '/')
			p++;
		if (!*p || strcmp(p, ".") == 0) {
			/* The path ended on a directory: open it with the caller's flags. */
			fd = openat(dir, ".", flags);
			r = fd < 0 ? -errno : fd;
			break;
		}
		name = p;
		rest = strchr(p, '/');
		if (rest)
			*rest++ = '\0';
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
			/* ".." at the root stays at the root. */
			if (strcmp(name, "..") == 0 && !same_file(dir, rootfd)) {
				fd = openat(dir, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
				if (fd < 0) {
					r = -errno;
					break;
				}
				close(dir);
				dir = fd;
			}
			goto next;
		}
		n = readlinkat(dir, name, target, sizeof(target) - 1);
		if (n >= 0) {
			struct strbuf nt = STRBUF_INIT;
			if (++links > SYSROOT_MAX_LINKS) {
				r = -ELOOP;
				break;
			}
			target[n] = '\0';
			if (target[0] == '/') {
				close(dir);
				if ((dir = dup(rootfd)) < 0) {
					r = -errno;
					break;
				}
			}
			strbuf_addstr(&nt, target);
			if (rest && *rest) {
				strbuf_addch(&nt, '/');
				strbuf_addstr(&nt, rest);
			}
			strbuf_release(&todo);
			todo = nt;
			continue;
		}
		if (!rest || !*rest) {
			/* The last component, not a link: open it as asked. */
			fd = openat(dir, name, flags | O_NOFOLLOW);
			r = fd < 0 ? -errno : fd;
			break;
		}
		fd = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			r = -errno;
			break;
		}
		close(dir);
		dir = fd;
next:
		{
			char *left = xstrdup(rest ? rest : "");
			strbuf_reset(&todo);
			strbuf_addstr(&todo, left);
			free(left);
		}
	}
	close(dir);
	strbuf_release(&todo);
	return r;
}

int sysroot_openat(const struct sysroot *sr, const char *path, int flags)
{
	static int have_openat2 = 1;
	const char *rel = skip_slashes(path);
	int fd;

	flags |= O_CLOEXEC;
	if (sr->live)
		return (fd = openat(sr->dirfd, rel, flags)) < 0 ? -errno : fd;
	if (have_openat2) {
		struct d0c_open_how how = { .flags = (uint64_t)flags, .resolve = D0C_RESOLVE_IN_ROOT };
		fd = (int)syscall(SYS_openat2, sr->dirfd, rel, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
		/* ENOSYS: old kernel (XCP-ng's 4.19); EPERM: seccomp. */
		have_openat2 = 0;
	}
	return open_in_root(sr->dirfd, rel, flags);
}

void sysroot_record(struct sysroot *sr, const char *path, enum sysroot_rec_kind kind,
		    const char *data, size_t len)
{
	struct sysroot_rec *rec = sr->rec;
	struct sysroot_rec_entry *e;
	const char *rel = skip_slashes(path);

	if (!rec)
		return;
	for (size_t i = 0; i < rec->n; i++)
		if (strcmp(rec->v[i].path, rel) == 0 && rec->v[i].kind == kind)
			return;
	if (rec->n == rec->cap) {
		rec->cap = rec->cap ? rec->cap * 2 : 64;
		rec->v = xrealloc(rec->v, rec->cap * sizeof(*rec->v));
	}
	e = &rec->v[rec->n++];
	e->path = xstrdup(rel);
	e->kind = kind;
	e->data = data ? xstrndup(data, len) : NULL;
	e->len = data ? len : 0;
}

int sysroot_read(struct sysroot *sr, const char *path, size_t max, struct strbuf *out)
{
	char buf[65536];
	int fd, r = 0;

	strbuf_reset(out);
	fd = sysroot_openat(sr, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > max) {
			strbuf_add(out, buf, max - out->len);
			r = -EFBIG;
			break;
		}
		strbuf_add(out, buf, (size_t)n);
	}
	close(fd);
	if (r == 0 || r == -EFBIG)
		sysroot_record(sr, path, REC_FILE, NULL, 0);
	return r;
}

int sysroot_read_line(struct sysroot *sr, const char *path, char **value)
{
	struct strbuf sb = STRBUF_INIT;
	int r = sysroot_read(sr, path, 65536, &sb);
	size_t n;

	*value = NULL;
	if (r < 0 && r != -EFBIG) {
		strbuf_release(&sb);
		return r;
	}
	n = strcspn(strbuf_str(&sb), "\n");
	while (n > 0 && (sb.buf[n - 1] == ' ' || sb.buf[n - 1] == '\t' || sb.buf[n - 1] == '\r'))
		n--;
	*value = xstrndup(strbuf_str(&sb), n);
	strbuf_release(&sb);
	return 0;
}

/* The parent directory of path is opened inside the root, then readlinkat. */
int sysroot_readlink(struct sysroot *sr, const char *path, char **target)
{
	const char *rel = skip_slashes(path);
	const char *slash = strrchr(rel, '/');
	char buf[4096];
	int dfd;
	ssize_t n;

	*target = NULL;
	if (slash) {
		char *dir = xstrndup(rel, (size_t)(slash - rel));
		dfd = sysroot_openat(sr, dir, O_PATH | O_DIRECTORY);
		free(dir);
		if (dfd < 0)
			return dfd;
	} else {
		dfd = dup(sr->dirfd);
		if (dfd < 0)
			return -errno;
	}
	n = readlinkat(dfd, slash ? slash + 1 : rel, buf, sizeof(buf) - 1);
	close(dfd);
	if (n < 0)
		return -errno;
	*target = xstrndup(buf, (size_t)n);
	sysroot_record(sr, path, REC_LINK, *target, (size_t)n);
	return 0;
}

int sysroot_exists(struct sysroot *sr, const char *path)
{
	struct stat st;
	int fd = sysroot_openat(sr, path, O_PATH);

	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		sysroot_record(sr, path, REC_DIR, NULL, 0);
	close(fd);
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sysroot_list(struct sysroot *sr, const char *path, char ***names, size_t *n)
{
	int fd = sysroot_openat(sr, path, O_RDONLY | O_DIRECTORY);
	size_t cap = 0;
	struct dirent *de;
	DIR *d;

	*names = NULL;
	*n = 0;
	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		int r = -errno;
		close(fd);
		return r;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*names = xrealloc(*names, cap * sizeof(char *));
		}
		(*names)[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(char *), cmp_str);
	sysroot_record(sr, path, REC_DIR, NULL, 0);
	return 0;
}

void sysroot_list_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
