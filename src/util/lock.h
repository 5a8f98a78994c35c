/* One dom0cuda at a time changes the boot files. The lock is flock(2) on a
 * file that says who holds it (pid, verb, time): the kernel drops the lock
 * when its holder dies, so a stale file never blocks a later run, and the
 * next run says whose lock it recovered. */
#ifndef DOM0CUDA_LOCK_H
#define DOM0CUDA_LOCK_H

#include "util/safefile.h"

struct lock {
	int fd;
	int dirfd;
	char *base;
};

/* 0: held. -EWOULDBLOCK: another run holds it; *holder (caller frees) says
 * who. Other -errno: the lock file could not be made. When the previous
 * holder died without releasing, *holder tells who it was and 0 is returned. */
int lock_acquire(const struct safe_root *sr, const char *path, const char *verb,
		 struct lock *lk, char **holder);
void lock_release(struct lock *lk);

#endif
