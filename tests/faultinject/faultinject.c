/* LD_PRELOAD fault injector for crash-safety tests: the FI_NTH-th call
 * (1-based) of FI_OP (open, openat, write, pwrite, fsync, rename, renameat)
 * fails with errno FI_ERRNO (default EIO). tests/t/240 runs dom0cuda under
 * it for every call in turn and checks the files are old or new, never
 * half-written. Built by the test; not part of dom0cuda. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int counter;

static int should_fail(const char *op)
{
	const char *want = getenv("FI_OP"), *nth = getenv("FI_NTH"), *e = getenv("FI_ERRNO");

	if (!want || !nth || strcmp(want, op) != 0)
		return 0;
	if (++counter != atoi(nth))
		return 0;
	errno = e ? atoi(e) : EIO;
	return 1;
}

#define NEXT(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	if (should_fail("open"))
		return -1;
	return NEXT(open)(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	if (should_fail("openat"))
		return -1;
	return NEXT(openat)(dirfd, path, flags, mode);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	if (fd > 2 && should_fail("write"))
		return -1;
	return NEXT(write)(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (should_fail("pwrite"))
		return -1;
	return NEXT(pwrite)(fd, buf, n, off);
}

int fsync(int fd)
{
	if (should_fail("fsync"))
		return -1;
	return NEXT(fsync)(fd);
}

int rename(const char *a, const char *b)
{
	if (should_fail("rename"))
		return -1;
	return NEXT(rename)(a, b);
}

int renameat(int da, const char *a, int db, const char *b)
{
	if (should_fail("renameat"))
		return -1;
	return NEXT(renameat)(da, a, db, b);
}
