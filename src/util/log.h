/* Messages for people, on stderr. Levels follow -q / -v. */
#ifndef DOM0CUDA_LOG_H
#define DOM0CUDA_LOG_H

enum log_level { LOG_QUIET = 0, LOG_NORMAL = 1, LOG_VERBOSE = 2 };

extern enum log_level log_level;

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Logs "msg: strerror(-r)" and returns r, so callers can `return log_errno(r, ...)`. */
int log_errno(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
