/* LD_PRELOAD crash point for the crash matrix (tests/crash/matrix.sh).
 * Numbers every write-class call of the process -- open/openat that may
 * write, creat, write/pwrite (not to fds 0-2), fsync/fdatasync,
 * rename/renameat/renameat2, unlink/unlinkat, mkdir/mkdirat, ftruncate,
 * fchmod/fchown -- one counter for all of them, and at call CRASH_AT:
 *   CRASH_ERRNO unset or empty: lets the call happen, then SIGKILLs the process
 *                      (power cut right after that syscall reached the kernel);
 *   CRASH_ERRNO=N:     fails that call with errno N without doing it.
 * CRASH_TRACE=FILE appends "K OP PATH-OR-FD" per call (counting runs use it:
 * the last K is how many crash points a command has). A test instrument,
 * not part of dom0cuda. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static long calls;

/* 0: go on; 1: the caller must fail with errno set; after the call, done()
 * kills when this was the crash point. */
static int before(const char *op, const char *what, long fd)
{
	const char *at = getenv("CRASH_AT"), *e = getenv("CRASH_ERRNO"), *trace = getenv("CRASH_TRACE");

	calls++;
	if (trace) {
		FILE *f = fopen(trace, "ae");

		if (f) {
			if (what)
				fprintf(f, "%ld %s %s\n", calls, op, what);
			else
				fprintf(f, "%ld %s fd=%ld\n", calls, op, fd);
			fclose(f);
		}
	}
	if (!at || atol(at) != calls || !e || !*e)
		return 0;
	errno = atoi(e);
	return 1;
}

static void after(void)
{
	const char *at = getenv("CRASH_AT"), *e = getenv("CRASH_ERRNO");

	if (at && atol(at) == calls && (!e || !*e))
		raise(SIGKILL);
}

#define NEXT(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))
#define WRITES(flags) ((flags) & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND))
/* Runs call under the crash point: r is the call's result. */
#define GUARD(op, what, fd, type, call)          \
	do {                                     \
		type r_;                         \
		if (before(op, what, fd))        \
			return (type)-1;         \
		r_ = call;                       \
		{                                \
			int e_ = errno;          \
			after();                 \
			errno = e_;              \
		}                                \
		return r_;                       \
	} while (0)

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

/* open, open64, openat, openat64: the mode is only passed with O_CREAT or
 * O_TMPFILE; opening for reading is not a crash point. PRE is the dirfd
 * argument and its comma, or nothing. */
#define COMMA ,
#define OPEN_WRAPPER(fn, op, PRE_DECL, PRE)                                   \
	int fn(PRE_DECL const char *path, int flags, ...)                     \
	{                                                                     \
		va_list ap;                                                   \
		mode_t m;                                                     \
                                                                              \
		va_start(ap, flags);                                          \
		m = mode_arg(flags, ap);                                      \
		va_end(ap);                                                   \
		if (!WRITES(flags))                                           \
			return NEXT(fn)(PRE path, flags, m);                  \
		GUARD(op, path, -1, int, NEXT(fn)(PRE path, flags, m));       \
	}

OPEN_WRAPPER(open, "open", , )
OPEN_WRAPPER(open64, "open", , )
OPEN_WRAPPER(openat, "openat", int dfd COMMA, dfd COMMA)
OPEN_WRAPPER(openat64, "openat", int dfd COMMA, dfd COMMA)

int creat(const char *path, mode_t m)
{
	GUARD("creat", path, -1, int, NEXT(creat)(path, m));
}

ssize_t write(int fd, const void *b, size_t n)
{
	if (fd <= 2)
		return NEXT(write)(fd, b, n);
	GUARD("write", NULL, fd, ssize_t, NEXT(write)(fd, b, n));
}

ssize_t pwrite(int fd, const void *b, size_t n, off_t off)
{
	GUARD("pwrite", NULL, fd, ssize_t, NEXT(pwrite)(fd, b, n, off));
}

ssize_t pwrite64(int fd, const void *b, size_t n, off_t off)
{
	GUARD("pwrite", NULL, fd, ssize_t, NEXT(pwrite64)(fd, b, n, off));
}

int fsync(int fd)
{
	GUARD("fsync", NULL, fd, int, NEXT(fsync)(fd));
}

int fdatasync(int fd)
{
	GUARD("fdatasync", NULL, fd, int, NEXT(fdatasync)(fd));
}

int rename(const char *a, const char *b)
{
	GUARD("rename", b, -1, int, NEXT(rename)(a, b));
}

int renameat(int ad, const char *a, int bd, const char *b)
{
	GUARD("renameat", b, -1, int, NEXT(renameat)(ad, a, bd, b));
}

int renameat2(int ad, const char *a, int bd, const char *b, unsigned flags)
{
	GUARD("renameat2", b, -1, int, NEXT(renameat2)(ad, a, bd, b, flags));
}

int unlink(const char *p)
{
	GUARD("unlink", p, -1, int, NEXT(unlink)(p));
}

int unlinkat(int d, const char *p, int flags)
{
	GUARD("unlinkat", p, -1, int, NEXT(unlinkat)(d, p, flags));
}

int mkdir(const char *p, mode_t m)
{
	GUARD("mkdir", p, -1, int, NEXT(mkdir)(p, m));
}

int mkdirat(int d, const char *p, mode_t m)
{
	GUARD("mkdirat", p, -1, int, NEXT(mkdirat)(d, p, m));
}

int ftruncate(int fd, off_t len)
{
	GUARD("ftruncate", NULL, fd, int, NEXT(ftruncate)(fd, len));
}

int ftruncate64(int fd, off_t len)
{
	GUARD("ftruncate", NULL, fd, int, NEXT(ftruncate64)(fd, len));
}

int fchmod(int fd, mode_t m)
{
	GUARD("fchmod", NULL, fd, int, NEXT(fchmod)(fd, m));
}

int fchown(int fd, uid_t u, gid_t g)
{
	GUARD("fchown", NULL, fd, int, NEXT(fchown)(fd, u, g));
}
