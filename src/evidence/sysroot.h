/* The one path layer every read of the system goes through (util-linux
 * lib/path.c): paths are resolved inside --root, so a bundle or a fixture
 * tree reads exactly like a live host. With a recorder attached, every
 * path read is remembered, which is how `report` makes a bundle that holds
 * exactly what `check` reads. */
#ifndef DOM0CUDA_SYSROOT_H
#define DOM0CUDA_SYSROOT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

enum sysroot_rec_kind { REC_FILE, REC_LINK, REC_DIR, REC_DATA };

struct sysroot_rec_entry {
	char *path;               /* relative to the root, no leading '/' */
	enum sysroot_rec_kind kind;
	char *data;               /* REC_LINK: target; REC_DATA: captured bytes */
	size_t len;
};

struct sysroot_rec {
	struct sysroot_rec_entry *v;
	size_t n, cap;
};

struct sysroot {
	char *root;     /* as given, without trailing '/' ("/" stays "/") */
	int dirfd;      /* O_PATH directory fd of root */
	bool live;      /* root is "/": special sources come from the kernel and xl */
	struct sysroot_rec *rec; /* NULL unless recording for `report` */
};

/* Default cap for files read whole: far above any sysfs/proc/config file. */
#define SYSROOT_READ_MAX (4u << 20)

/* -ENOENT: no such directory; -ENOTDIR: not a directory. */
int sysroot_open(struct sysroot *sr, const char *root);
void sysroot_close(struct sysroot *sr);

/* open(2) of path (absolute or relative: both are taken under the root),
 * resolved inside the root where the kernel allows it. fd or -errno. */
int sysroot_openat(const struct sysroot *sr, const char *path, int flags);

/* Reads a whole file, at most max bytes; -EFBIG if it is longer (out then
 * holds the first max bytes). Records it when recording. */
int sysroot_read(struct sysroot *sr, const char *path, size_t max, struct strbuf *out);
/* First line of a small file, trailing blanks and newline removed. */
int sysroot_read_line(struct sysroot *sr, const char *path, char **value);
int sysroot_readlink(struct sysroot *sr, const char *path, char **target);
/* 1 exists, 0 does not, -errno otherwise (EACCES...). Records dirs. */
int sysroot_exists(struct sysroot *sr, const char *path);
/* Sorted entry names of a directory, "." and ".." left out. */
int sysroot_list(struct sysroot *sr, const char *path, char ***names, size_t *n);
void sysroot_list_free(char **names, size_t n);

/* For streamed sources (logs): remember that path was read whole. */
void sysroot_record(struct sysroot *sr, const char *path, enum sysroot_rec_kind kind,
		    const char *data, size_t len);

#endif
