#include "util/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *exec_find(const char *const candidates[])
{
	for (size_t i = 0; candidates[i]; i++)
		if (access(candidates[i], X_OK) == 0)
			return candidates[i];
	return NULL;
}

int exec_capture(const char *const argv[], int timeout_ms, size_t max,
		 struct strbuf *out, int *status)
{
	static char *const clean_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	int pfd[2];
	pid_t pid;
	int r = 0;
	long long deadline = now_ms() + timeout_ms;

	if (argv[0][0] != '/')
		return -EINVAL;
	if (access(argv[0], X_OK) < 0)
		return -errno;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return r;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 2);
		}
		dup2(pfd[1], 1);
		execve(argv[0], (char *const *)argv, clean_env);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		long long left = deadline - now_ms();
		char buf[65536];
		ssize_t n;

		if (left <= 0) {
			r = -ETIMEDOUT;
			break;
		}
		n = poll(&p, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			continue;
		n = read(pfd[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out->len + (size_t)n > max) {
			r = -EFBIG;
			break;
		}
		strbuf_add(out, buf, (size_t)n);
	}
	close(pfd[0]);
	if (r < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			if (r == 0)
				r = -errno;
			break;
		}
	}
	if (r == 0 && WIFEXITED(*status) && WEXITSTATUS(*status) == 127)
		r = -ENOEXEC;
	return r;
}
