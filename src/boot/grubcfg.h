/* A lossless model of grub.cfg: the file's bytes are kept as they are and
 * the model only points into them (byte ranges), so an edit is a splice and
 * every byte nobody edited comes back unchanged. The lexer follows GRUB's
 * script syntax (grub-core/script/yylex.l): words with '...' and "..."
 * quoting and backslash escapes, '#' comments at a word start, ';' and
 * newline between commands, '{' '}' as tokens outside quotes and ${...}.
 * Pure: bytes in, model out; errors carry file:line and what was expected. */
#ifndef DOM0CUDA_GRUBCFG_H
#define DOM0CUDA_GRUBCFG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

enum grub_xen_kind {
	GRUB_XEN_NONE = 0,
	GRUB_XEN_MULTIBOOT2,     /* multiboot2 /boot/xen.gz ARGS */
	GRUB_XEN_MULTIBOOT,      /* multiboot /boot/xen.gz ARGS */
	GRUB_XEN_HYPERVISOR,     /* xen_hypervisor /boot/xen.efi ARGS (GRUB xen_boot) */
	GRUB_XEN_CHAINLOADER,    /* chainloader .../xen.efi [ARGS] */
};

const char *grub_xen_kind_name(enum grub_xen_kind k);

struct grub_entry {
	bool submenu;
	int parent;              /* index of the enclosing submenu, -1 at top level */
	int depth;
	char *title;             /* unquoted */
	char *id;                /* --id X or $menuentry_id_option X, else NULL */
	char *path;              /* titles joined with '>': "Advanced options>Xen" */
	char *index_path;        /* GRUB's numeric form: "1>0" */
	unsigned line, end_line;
	size_t start;            /* start of the line holding "menuentry" */
	size_t end;              /* after the closing '}' and its newline */
	size_t title_start, title_end; /* the title word as written (quotes included) */
	size_t id_start, id_end;       /* the id word as written; equal when none */
	size_t body_start;       /* just after the newline that follows '{' */
	/* The Xen loader line, when the entry boots Xen. */
	enum grub_xen_kind xen_kind;
	unsigned xen_line;
	size_t xen_args_start, xen_args_end; /* after the image word .. end of the last word */
	char *xen_image;
	char *xen_args;          /* the argument text as written */
	char *kernel;            /* first module after Xen (dom0 kernel), or NULL */
};

/* `set default=...` (or `default=...`) outside menu entries. */
struct grub_default {
	char *value;             /* unquoted; may hold ${var} */
	unsigned line;
	size_t line_start, line_end; /* the whole line, newline included */
	size_t word_start, word_end; /* the "default=..." word as written */
	bool oneshot;            /* reads next_entry or override_entry */
};

struct grubcfg {
	char *name;              /* for messages: the path as given */
	char *buf;               /* the bytes, owned */
	size_t len;
	struct grub_entry *e;
	size_t n;
	struct grub_default *def;
	size_t ndef;
	bool load_env;           /* a load_env command outside entries */
	bool next_entry;         /* honours GRUB's stock next_entry one-shot */
	bool override_entry;     /* honours XenServer's override_entry one-shot */
	bool saved_entry;        /* default comes from ${saved_entry} */
	size_t first_entry;      /* start of the first top-level entry, or len */
};

/* 0, or -EINVAL with "name:line: expected ..." appended to err. */
int grubcfg_parse(const char *name, const char *buf, size_t len, struct grubcfg *cfg,
		  struct strbuf *err);
void grubcfg_free(struct grubcfg *cfg);

/* The entry GRUB boots by default when no one-shot is pending: the last
 * `set default` that is not a one-shot, resolved against titles, ids and
 * index paths; saved_entry (may be NULL) stands for ${saved_entry}.
 * Returns the entry index, or -ENOENT (no such entry), -EOPNOTSUPP (a
 * default GRUB computes at run time that we cannot resolve). */
int grubcfg_default_entry(const struct grubcfg *cfg, const char *saved_entry);
/* Resolves a `default` value (index path, title, id, title path). */
int grubcfg_find(const struct grubcfg *cfg, const char *value);
/* The default's value as GRUB sees it ("0", a title...), for messages. */
const char *grubcfg_default_value(const struct grubcfg *cfg, const char *saved_entry);
/* Entries whose Xen arguments are what Xen reports it booted with
 * (`xl info` xen_commandline). Tokens built from ${vars} and Debian's
 * "placeholder" are ignored. Fills idx (cap entries); returns the count. */
size_t grubcfg_match_xen_cmdline(const struct grubcfg *cfg, const char *xen_commandline,
				 int *idx, size_t cap);

/* Edits: text spliced into the original bytes. */
struct grub_splice {
	size_t start, end;       /* replaced range of the original */
	char *text;
};

struct grub_edit {
	struct grub_splice *v;
	size_t n;
};

void grub_edit_add(struct grub_edit *ed, size_t start, size_t end, const char *text);
/* Applies non-overlapping splices (any order) to buf. */
char *grub_edit_apply(const struct grub_edit *ed, const char *buf, size_t len, size_t *outlen);
void grub_edit_free(struct grub_edit *ed);

/* GRUB single-quoted word for s ('\'' for a quote inside). */
char *grub_quote(const char *s);

#endif
