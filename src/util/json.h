/* A small streaming JSON writer into a strbuf: two-space indent, keys in
 * the order written, strings escaped, invalid UTF-8 replaced by U+FFFD so
 * every document we print parses. */
#ifndef DOM0CUDA_JSON_H
#define DOM0CUDA_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

#define JSON_MAX_DEPTH 32

struct json_writer {
	struct strbuf *out;
	int depth;
	bool first[JSON_MAX_DEPTH];
};

void json_init(struct json_writer *jw, struct strbuf *out);
/* key is NULL inside arrays and for the top-level value. */
void json_object_begin(struct json_writer *jw, const char *key);
void json_object_end(struct json_writer *jw);
void json_array_begin(struct json_writer *jw, const char *key);
void json_array_end(struct json_writer *jw);
void json_string(struct json_writer *jw, const char *key, const char *val); /* NULL -> null */
void json_string_n(struct json_writer *jw, const char *key, const char *val, size_t len);
void json_int(struct json_writer *jw, const char *key, long long val);
void json_double(struct json_writer *jw, const char *key, double val, int decimals);
void json_bool(struct json_writer *jw, const char *key, bool val);
void json_null(struct json_writer *jw, const char *key);

/* Appends s as a quoted JSON string. */
void json_quote(struct strbuf *out, const char *s, size_t len);

#endif
