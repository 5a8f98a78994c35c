/* Minimal TAP unit-test helpers: each test binary prints "ok N - name"
 * lines and a plan; tests/run.sh counts them. */
#ifndef DOM0CUDA_UNIT_H
#define DOM0CUDA_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_n, unit_failed;

#define UNIT_OK(cond, name) do { \
	unit_n++; \
	if (cond) { printf("ok %d - %s\n", unit_n, name); } \
	else { unit_failed++; printf("not ok %d - %s\n#   at %s:%d: %s\n", unit_n, name, __FILE__, __LINE__, #cond); } \
} while (0)

#define UNIT_STREQ(got, want, name) do { \
	const char *g_ = (got), *w_ = (want); \
	int same_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_; \
	UNIT_OK(same_, name); \
	if (!same_) printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

#define UNIT_INTEQ(got, want, name) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	UNIT_OK(g_ == w_, name); \
	if (g_ != w_) printf("#   got:  %lld\n#   want: %lld\n", g_, w_); \
} while (0)

/* A fixture's bytes (NUL-terminated, caller frees), or NULL. */
static inline char *unit_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static inline int unit_done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failed ? 1 : 0;
}

#endif
