/* The GRUB environment block (grub include/grub/lib/envblk.h, util/editenv.c):
 * exactly 1024 bytes, "# GRUB Environment Block\n", then name=value lines
 * (backslash escapes '\\' and newline in values), then '#' padding.
 * Pure: bytes in, model out, and back. Comment lines (GRUB 2.12's WARNING
 * line) are kept in place so a block we rewrite differs only in what we set. */
#ifndef DOM0CUDA_GRUBENV_H
#define DOM0CUDA_GRUBENV_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

#define GRUBENV_SIZE 1024
#define GRUBENV_SIGNATURE "# GRUB Environment Block\n"

struct grubenv_line {
	char *name;  /* NULL for a comment line */
	char *value; /* unescaped value, or the whole comment line without '\n' */
};

struct grubenv {
	struct grubenv_line *v;
	size_t n;
};

/* -EINVAL when the bytes are not a valid block; *err (caller frees) says
 * what is wrong and at which line. */
int grubenv_parse(const char *buf, size_t len, struct grubenv *env, char **err);
void grubenv_free(struct grubenv *env);
/* An empty block, as `grub-editenv FILE create` writes it. */
void grubenv_init(struct grubenv *env);
const char *grubenv_get(const struct grubenv *env, const char *name);
/* -EINVAL for a name GRUB cannot read back (empty, '=', '\n', '#'-first). */
int grubenv_set(struct grubenv *env, const char *name, const char *value);
/* Returns true when name was set. */
bool grubenv_unset(struct grubenv *env, const char *name);
/* Exactly GRUBENV_SIZE bytes into out, or -ENOSPC when the block is full. */
int grubenv_format(const struct grubenv *env, struct strbuf *out);

#endif
