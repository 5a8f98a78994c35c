/* Streaming scan of a log for lines that hold any of a few literal anchors.
 * Memory stays bounded whatever the file (a 2 GiB dmesg, 1 MiB lines): the
 * file is read in fixed chunks, each anchor is searched with memmem over
 * the chunk, and only matching lines reach the callback, with their line
 * numbers. Lines longer than LOGSCAN_LINE_MAX are skipped and counted. */
#ifndef DOM0CUDA_LOGSCAN_H
#define DOM0CUDA_LOGSCAN_H

#include <stddef.h>

#define LOGSCAN_CHUNK (1u << 20)
#define LOGSCAN_LINE_MAX (LOGSCAN_CHUNK / 2)

/* line: without the newline (and without a trailing '\r'); not NUL-terminated. */
typedef void (*logscan_fn)(void *data, const char *line, size_t len, long lineno);

struct logscan_stats {
	long lines;
	long long_lines;     /* lines over LOGSCAN_LINE_MAX, skipped */
	long first_long_line;
	long nul_lines;      /* lines holding NUL bytes (binary data) */
};

/* anchors: NULL-terminated. Returns 0 or -errno from read(2). */
int logscan_fd(int fd, const char *const anchors[], logscan_fn fn, void *data,
	       struct logscan_stats *st);
void logscan_buf(const char *buf, size_t len, const char *const anchors[], logscan_fn fn,
		 void *data, struct logscan_stats *st);

#endif
