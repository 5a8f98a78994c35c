/* dom0cuda rollback: undo, from the state journal, every boot change
 * dom0cuda made, at any stage (DESIGN §5). */
#include <errno.h>
#include <string.h>

#include "cmd/bootcmd.h"
#include "cmd/common.h"
#include "util/log.h"

const char cmd_rollback_usage[] =
	"usage: dom0cuda rollback [--dry-run] [--yes] [--root DIR] [--json]\n"
	"\n"
	"Undoes what `dom0cuda fix` and `dom0cuda persist` changed, using the\n"
	"journal " STATE_PATH ": a file nobody touched since gets\n"
	"its original bytes back from the backup (checksum verified); a file edited\n"
	"since loses only dom0cuda's marked pieces and grubenv variables, and keeps\n"
	"the other edits. Running it again finds nothing to do.\n"
	"\n"
	"  -n, --dry-run  only say what would be restored\n"
	"  -y, --yes      do not ask (needed without a terminal)\n"
	"\n"
	"Exit codes: 0 done (or nothing to roll back), 1 declined, 64 usage,\n"
	"65 journal not readable, 73 cannot write, 75 another dom0cuda holds the lock.\n";

int cmd_rollback(int argc, char **argv, struct ctx *ctx)
{
	struct bootcmd_opts o;
	struct lock lk = { .fd = -1 };
	struct sysroot sr;
	struct safe_root root;
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT, report = STRBUF_INIT;
	const char *result = "error";
	bool nothing, kept;
	int r, rc;

	if ((rc = bootcmd_parse(argc, argv, cmd_rollback_usage, false, NULL, &o)))
		return rc;
	if ((rc = cmd_open_root(ctx, &sr)))
		return rc;
	root.fd = sr.dirfd;
	root.live = sr.live;
	if (!o.dry_run && (rc = bootcmd_lock(&sr, "rollback", &lk)))
		goto done;
	r = boot_rollback(&root, &report, &nothing, &kept, true, &why);
	if (r < 0) {
		rc = r == -EINVAL ? EXIT_DATAERR : EXIT_IOERR;
		goto render;
	}
	if (nothing) {
		result = "nothing-to-do";
		strbuf_addf(&out, "Nothing to roll back: no journal at %s.\n", STATE_PATH);
		rc = 0;
		goto render;
	}
	if (!ctx->json)
		strbuf_addf(&out, "Rollback plan:\n%s", report.buf);
	if (o.dry_run) {
		result = "dry-run";
		strbuf_addstr(&out, "Dry run: nothing changed. Apply with: dom0cuda rollback --yes\n");
		rc = 0;
		goto render;
	}
	if (!ctx->json && (rc = cmd_emit(ctx, &out)))
		goto done;
	strbuf_reset(&out);
	if ((rc = bootcmd_confirm(ctx, &o, "Roll back?"))) {
		result = "declined";
		goto render;
	}
	strbuf_reset(&report);
	r = boot_rollback(&root, &report, &nothing, &kept, false, &why);
	if (r < 0) {
		rc = bootcmd_write_exit(r);
		goto render;
	}
	result = "applied";
	boot_trial_mark(&root, false);
	strbuf_addstr(&out, kept ? "Done: dom0cuda's changes are undone; the edits others made since are kept (backups in " BACKUP_DIR ").\n"
			   : "Done: the boot files are as they were before dom0cuda (backups kept in " BACKUP_DIR ").\n");
	rc = 0;
render:
	if (why.len)
		log_error("%s", why.buf);
	if (ctx->json) {
		struct json_writer jw;
		const char *p = strbuf_str(&report);

		strbuf_reset(&out);
		json_init(&jw, &out);
		json_object_begin(&jw, NULL);
		json_string(&jw, "schema", "dom0cuda.rollback/1");
		json_string(&jw, "result", result);
		json_array_begin(&jw, "steps");
		while (*p) {
			size_t n = strcspn(p, "\n");

			json_string_n(&jw, NULL, p, n);
			p += n + (p[n] == '\n');
		}
		json_array_end(&jw);
		json_string(&jw, "error", why.len ? why.buf : NULL);
		json_object_end(&jw);
	}
	r = cmd_emit(ctx, &out);
	if (r && !rc)
		rc = r;
done:
	lock_release(&lk);
	strbuf_release(&out);
	strbuf_release(&why);
	strbuf_release(&report);
	sysroot_close(&sr);
	return rc;
}
