#include "cmd/common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

int cmd_open_root(const struct ctx *ctx, struct sysroot *sr)
{
	int r = sysroot_open(sr, ctx->root);

	if (r == 0)
		return 0;
	if (r == -ENOENT || r == -ENOTDIR) {
		log_error("--root %s: %s; give the directory of a bundle (dom0cuda report) "
			  "or a mounted system", ctx->root,
			  r == -ENOENT ? "no such directory" : "not a directory");
		return EXIT_NOINPUT;
	}
	log_errno(r, "cannot open --root %s", ctx->root);
	return r == -EACCES || r == -EPERM ? EXIT_NOPERM : EXIT_NOINPUT;
}

int cmd_accept_add(struct accept_list *al, const char *id)
{
	if (!finding_id_known(id)) {
		log_error("--accept %s: no such finding id; `dom0cuda help check` lists them", id);
		return EXIT_USAGE;
	}
	al->ids = xrealloc(al->ids, (al->n + 2) * sizeof(*al->ids));
	al->ids[al->n++] = id;
	al->ids[al->n] = NULL;
	return 0;
}

void cmd_accept_free(struct accept_list *al)
{
	free(al->ids);
	al->ids = NULL;
	al->n = 0;
}

void cmd_diagnose(struct sysroot *sr, const struct accept_list *al, struct evidence *ev,
		  struct findings *f)
{
	struct diagnose_opts opts = { .accept = al ? al->ids : NULL };

	evidence_collect(sr, ev);
	diagnose(ev, &opts, f);
}

int cmd_emit(const struct ctx *ctx, const struct strbuf *sb)
{
	if (sb->len && fwrite(sb->buf, 1, sb->len, ctx->out) != sb->len)
		return EXIT_IOERR;
	if (fflush(ctx->out) != 0)
		return EXIT_IOERR;
	return 0;
}
