/* A small JSON reader for files dom0cuda wrote itself (the state journal):
 * bytes in, tree out, strict (RFC 8259 minus \u surrogate pairing, which
 * becomes U+FFFD), depth-bounded. */
#ifndef DOM0CUDA_JSONREAD_H
#define DOM0CUDA_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>

enum jv_kind { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jv_kind kind;
	bool b;
	double num;
	char *str;          /* JV_STR */
	struct jv *v;       /* JV_ARR elements / JV_OBJ values */
	char **keys;        /* JV_OBJ */
	size_t n;
};

/* 0, or -EINVAL with the byte offset of the error in *at. */
int jv_parse(const char *buf, size_t len, struct jv *out, size_t *at);
void jv_free(struct jv *v);
/* Member of an object, or NULL. */
const struct jv *jv_get(const struct jv *obj, const char *key);
/* String member, or NULL when absent or not a string. */
const char *jv_str(const struct jv *obj, const char *key);

#endif
