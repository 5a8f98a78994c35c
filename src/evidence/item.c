#include <stdlib.h>
#include <string.h>

#include "evidence/evidence.h"
#include "util/strbuf.h"

void ev_item_set(struct ev_item *it, const char *value, const char *source, long line,
		 const char *text, size_t text_len)
{
	char *t;

	ev_item_free(it);
	if (text_len > EV_TEXT_MAX)
		text_len = EV_TEXT_MAX;
	/* Control bytes would reach the admin's terminal: never print them raw. */
	t = xstrndup(text ? text : "", text ? text_len : 0);
	for (size_t i = 0; i < text_len; i++)
		if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
			t[i] = (t[i] == '\t') ? ' ' : '?';
	/* Kernel lines end in padding blanks (PAT line): drop them. */
	for (size_t n = strlen(t); n > 0 && t[n - 1] == ' '; n--)
		t[n - 1] = '\0';
	it->found = true;
	it->value = xstrdup(value ? value : "");
	it->source = source;
	it->line = line;
	it->text = t;
}

void ev_item_free(struct ev_item *it)
{
	free(it->value);
	free(it->text);
	memset(it, 0, sizeof(*it));
}

/* Proof sources are compared and printed long after the collector's
 * buffers are gone; the few dynamic names (a PCI device, a grubenv path)
 * live here for the life of the process. */
const char *ev_intern(const char *s)
{
	static char **tab;
	static size_t n;

	for (size_t i = 0; i < n; i++)
		if (strcmp(tab[i], s) == 0)
			return tab[i];
	tab = xrealloc(tab, (n + 1) * sizeof(*tab));
	tab[n] = xstrdup(s);
	return tab[n++];
}
