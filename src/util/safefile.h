/* Writes that never leave a file half-written and never leave --root:
 * every path is resolved beneath the root directory fd (openat2
 * RESOLVE_BENEATH, else a component walk that follows no symlink), the last
 * component is never followed, and a replacement is temp file in the same
 * directory + fsync + rename + fsync of the directory, keeping mode and owner
 * (git's lockfile.c / systemd's write_string_file_atomic). */
#ifndef DOM0CUDA_SAFEFILE_H
#define DOM0CUDA_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/strbuf.h"

struct safe_root {
	int fd;      /* directory fd of --root (O_PATH is fine) */
	bool live;   /* root is "/": plain resolution, symlinks allowed */
};

enum {
	SAFE_MKDIR = 1 << 0, /* create missing parent directories (0755) */
};

/* Directory fd (O_RDONLY|O_DIRECTORY) for dir under the root. -EXDEV: a
 * symlink on the way points outside the root. */
int safe_open_dir(const struct safe_root *sr, const char *dir, unsigned flags);
/* Reads a regular file (last component not followed: -ELOOP for a symlink),
 * at most max bytes (-EFBIG beyond). st may be NULL. */
int safe_read(const struct safe_root *sr, const char *path, size_t max, struct strbuf *out,
	      struct stat *st);
/* Atomically replaces (or creates, with mode_if_new) path. */
int safe_write(const struct safe_root *sr, const char *path, const void *data, size_t len,
	       mode_t mode_if_new, unsigned flags);
/* Removes path and fsyncs its directory; 0 when it was already gone. */
int safe_unlink(const struct safe_root *sr, const char *path);
/* A message for the errors above that people meet: symlink escapes, symlinks. */
const char *safe_strerror(int r);

#endif
