/* Built and run by `make release` with the release toolchain and link line,
 * to catch the ways a glibc 2.17 build can go wrong yet still link:
 *  - the stat family must leave libc's errno set when it fails. zig 0.11
 *    linked its own stat shims with a private errno for glibc < 2.33 targets
 *    (zig issue 17034), so `if (fstat(fd, &st) < 0) return -errno;` returned 0;
 *  - __builtin_cpu_supports (logscan's SIMD dispatch) reads __cpu_model, which
 *    zig's compiler-rt lacks and libgcc's constructor fills in: every x86-64
 *    has SSE2, so "no SSE2" means the constructor never ran. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

static int bad;

static void expect(const char *call, int r, int want)
{
	if (r != -1 || errno != want) {
		printf("%s: returned %d, errno %d, want -1 and errno %d\n", call, r, errno, want);
		bad = 1;
	}
	errno = 0;
}

int main(void)
{
	const char *missing = "/nonexistent-dom0cuda-selftest/x";
	struct stat st;

	errno = 0;
	expect("stat", stat(missing, &st), ENOENT);
	expect("lstat", lstat(missing, &st), ENOENT);
	expect("fstat", fstat(-1, &st), EBADF);
	expect("fstatat", fstatat(AT_FDCWD, missing, &st, 0), ENOENT);
#if defined(__x86_64__)
	if (!__builtin_cpu_supports("sse2")) {
		puts("__builtin_cpu_supports(\"sse2\") is false: __cpu_model was never initialised");
		bad = 1;
	}
#endif
	return bad;
}
