/* Run a program with a fixed argv (never a shell), capture stdout, bound
 * time and size. Used for `xl info` / `xl dmesg` on a live host. */
#ifndef DOM0CUDA_EXEC_H
#define DOM0CUDA_EXEC_H

#include <stddef.h>

#include "util/strbuf.h"

/* argv[0] must be an absolute path: no PATH lookup for a root tool.
 * Returns 0 and the exit status in *status (waitpid form), or -errno:
 * -ENOENT (no such program), -ETIMEDOUT (killed after timeout_ms),
 * -EFBIG (output over max bytes; the child is killed). */
int exec_capture(const char *const argv[], int timeout_ms, size_t max,
		 struct strbuf *out, int *status);

/* First existing executable among candidates (NULL-terminated), or NULL. */
const char *exec_find(const char *const candidates[]);

#endif
