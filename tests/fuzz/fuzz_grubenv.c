/* grubenv_parse on any bytes; a block that parses formats to 1024 bytes
 * that parse back to the same variables, and set/unset round-trip. */
#include <string.h>

#include "boot/grubenv.h"
#include "fuzz.h"

static void same_vars(const struct grubenv *a, const struct grubenv *b)
{
	FUZZ_ASSERT(a->n == b->n, "%zu lines became %zu", a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		FUZZ_ASSERT(!a->v[i].name == !b->v[i].name, "line %zu kind changed", i);
		if (a->v[i].name)
			FUZZ_ASSERT(strcmp(a->v[i].name, b->v[i].name) == 0, "name %zu", i);
		FUZZ_ASSERT(strcmp(a->v[i].value, b->v[i].value) == 0, "value %zu", i);
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct grubenv env, again;
	struct strbuf out = STRBUF_INIT, out2 = STRBUF_INIT;
	char *err = NULL;
	int r;

	if (grubenv_parse((const char *)data, size, &env, &err) < 0) {
		FUZZ_ASSERT(err && *err, "rejected without a reason");
		free(err);
		return 0;
	}
	free(err);
	FUZZ_ASSERT(size == GRUBENV_SIZE, "accepted a %zu-byte block", size);
	r = grubenv_format(&env, &out);
	FUZZ_ASSERT(r == 0, "a parsed block does not format: %d", r);
	FUZZ_ASSERT(out.len == GRUBENV_SIZE, "formatted %zu bytes", out.len);
	err = NULL;
	FUZZ_ASSERT(grubenv_parse(out.buf, out.len, &again, &err) == 0, "own output rejected: %s", err);
	same_vars(&env, &again);
	grubenv_free(&again);

	/* What fix and persist do: set a one-shot from the data, then undo it. */
	{
		char value[64];
		size_t n = size < sizeof(value) - 1 ? size : sizeof(value) - 1;
		const char *old = grubenv_get(&env, "next_entry");
		char *keep = old ? xstrdup(old) : NULL;

		memcpy(value, data, n);
		value[n] = '\0';
		FUZZ_ASSERT(grubenv_set(&env, "next_entry", value) == 0, "set next_entry");
		if (grubenv_format(&env, &out2) == 0) {
			FUZZ_ASSERT(out2.len == GRUBENV_SIZE, "formatted %zu bytes", out2.len);
			err = NULL;
			FUZZ_ASSERT(grubenv_parse(out2.buf, out2.len, &again, &err) == 0, "set block rejected: %s", err);
			FUZZ_ASSERT(grubenv_get(&again, "next_entry") &&
				    strcmp(grubenv_get(&again, "next_entry"), value) == 0, "value lost");
			grubenv_free(&again);
		}
		if (keep)
			grubenv_set(&env, "next_entry", keep);
		else
			grubenv_unset(&env, "next_entry");
		strbuf_reset(&out2);
		FUZZ_ASSERT(grubenv_format(&env, &out2) == 0 && out2.len == out.len &&
			    memcmp(out.buf, out2.buf, out.len) == 0, "set then undo changed the block");
		free(keep);
	}
	strbuf_release(&out);
	strbuf_release(&out2);
	grubenv_free(&env);
	return 0;
}
