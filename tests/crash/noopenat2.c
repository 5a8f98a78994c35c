/* LD_PRELOAD: openat2(2) answers ENOSYS, as on XCP-ng's 4.19 dom0 kernel,
 * so tests exercise the fallbacks that run there (safefile.c's component
 * walk, sysroot.c's plain openat). A test instrument. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

long syscall(long nr, ...)
{
	va_list ap;
	long a[6];

	if (nr == SYS_openat2) {
		errno = ENOSYS;
		return -1;
	}
	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	/* The raw system call, not the libc wrapper we replace. */
	{
		long r;
		register long r10 __asm__("r10") = a[3];
		register long r8 __asm__("r8") = a[4];
		register long r9 __asm__("r9") = a[5];

		__asm__ volatile("syscall"
				 : "=a"(r)
				 : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
				 : "rcx", "r11", "memory");
		if (r < 0 && r > -4096) {
			errno = (int)-r;
			return -1;
		}
		return r;
	}
}
