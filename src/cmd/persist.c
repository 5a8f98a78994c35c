/* dom0cuda persist: after a verified trial, the PVH entry becomes the
 * default, chosen the way this grub.cfg chooses its default (DESIGN §5). */
#include <string.h>

#include "cmd/bootcmd.h"
#include "cmd/common.h"
#include "util/log.h"

const char cmd_persist_usage[] =
	"usage: dom0cuda persist [--dry-run] [--yes] [--force] [--root DIR] [--json]\n"
	"\n"
	"Makes the \"(PVH dom0)\" entry that `dom0cuda fix` added the default boot\n"
	"entry, the way this grub.cfg picks its default (set default=..., or\n"
	"saved_entry in grubenv). The old default entry stays in the menu as a\n"
	"fallback. Run it after `dom0cuda verify` passed on the trial boot.\n"
	"\n"
	"  -n, --dry-run  only show the plan and the diff\n"
	"  -y, --yes      do not ask (needed without a terminal)\n"
	"  --force        persist even though dom0 is not running as PVH now\n"
	"\n"
	"Exit codes: 0 done (or already the default), 1 declined, 2 dom0 is not\n"
	"PVH (verify first), 64 usage, 65 no PVH entry / config not understood,\n"
	"66 no grub.cfg, 73 cannot write, 75 another dom0cuda holds the lock.\n";

int cmd_persist(int argc, char **argv, struct ctx *ctx)
{
	struct bootcmd_opts o;
	struct lock lk = { .fd = -1 };
	struct sysroot sr;
	struct evidence ev;
	struct findings f;
	struct boot_files bf;
	struct boot_change ch = { 0 };
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	const char *result = "error";
	enum boot_err kind;
	bool loaded = false, planned = false;
	int r, rc;

	if ((rc = bootcmd_parse(argc, argv, cmd_persist_usage, true, NULL, &o)))
		return rc;
	if ((rc = cmd_open_root(ctx, &sr)))
		return rc;
	cmd_diagnose(&sr, NULL, &ev, &f);
	if (!o.force && !(ev.guest_type.found && strcmp(ev.guest_type.value, "PVH") == 0)) {
		result = "refused";
		strbuf_addf(&why, "dom0 is running as %s, not PVH: make the PVH entry the default only after a trial boot that `dom0cuda verify` passed (or pass --force)",
			    ev.guest_type.found ? ev.guest_type.value : "an unknown type");
		rc = EXIT_BLOCKED;
		goto render;
	}
	if (!o.dry_run && (rc = bootcmd_lock(&sr, "persist", &lk)))
		goto done;
	r = boot_files_load(&sr, ev.efi, &bf, &why, &kind);
	loaded = r == 0;
	if (r < 0) {
		rc = bootcmd_load_exit(kind, r);
		goto render;
	}
	r = boot_plan_persist(&bf.cfg, bf.env_exists ? &bf.env : NULL, &ch, &why);
	planned = r == 0;
	if (r < 0) {
		result = "refused";
		rc = EXIT_DATAERR;
		goto render;
	}
	if (!ctx->json)
		bootcmd_plan_text(&out, &bf, &ch);
	if (ch.already || o.dry_run) {
		result = ch.already ? "nothing-to-do" : "dry-run";
		strbuf_addstr(&out, ch.already ? "Nothing to change.\n" :
			      "\nDry run: nothing changed. Apply with: dom0cuda persist --yes\n");
		rc = 0;
		goto render;
	}
	if (!ctx->json && (rc = cmd_emit(ctx, &out)))
		goto done;
	strbuf_reset(&out);
	if ((rc = bootcmd_confirm(ctx, &o, "Make the PVH entry the default?"))) {
		result = "declined";
		goto render;
	}
	r = boot_commit(&bf, &ch, "persist", &why);
	if (r < 0) {
		rc = bootcmd_write_exit(r);
		goto render;
	}
	result = "applied";
	strbuf_addf(&out, "Done: '%s' is the default boot entry. `dom0cuda rollback` undoes it.\n",
		    ch.entry_title);
	rc = 0;
render:
	if (why.len)
		log_error("%s", why.buf);
	if (ctx->json) {
		struct json_writer jw;

		strbuf_reset(&out);
		json_init(&jw, &out);
		json_object_begin(&jw, NULL);
		json_string(&jw, "schema", "dom0cuda.persist/1");
		json_string(&jw, "result", result);
		if (planned) {
			json_string(&jw, "entry", ch.entry_title);
			bootcmd_plan_json(&jw, &bf, &ch);
		}
		json_string(&jw, "error", why.len ? why.buf : NULL);
		json_object_end(&jw);
		strbuf_addch(&out, '\n');
	}
	r = cmd_emit(ctx, &out);
	if (r && !rc)
		rc = r;
done:
	lock_release(&lk);
	if (loaded)
		boot_files_free(&bf);
	boot_change_free(&ch);
	strbuf_release(&out);
	strbuf_release(&why);
	findings_free(&f);
	evidence_free(&ev);
	sysroot_close(&sr);
	return rc;
}
