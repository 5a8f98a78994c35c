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

static int plan_persist(const struct boot_files *bf, struct boot_change *ch, struct strbuf *why, void *arg)
{
	(void)arg;
	return boot_plan_persist(&bf->cfg, bf->env_exists ? &bf->env : NULL, ch, why);
}

int cmd_persist(int argc, char **argv, struct ctx *ctx)
{
	struct bootcmd_opts o;
	struct bootcmd_run run = { .lk.fd = -1, .result = "error" };
	struct bootcmd_step step = { "persist", "Make the PVH entry the default?", plan_persist, NULL };
	struct sysroot sr;
	struct evidence ev;
	struct findings f;
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	int r, rc;

	if ((rc = bootcmd_parse(argc, argv, cmd_persist_usage, true, NULL, &o)))
		return rc;
	if ((rc = cmd_open_root(ctx, &sr)))
		return rc;
	cmd_diagnose(&sr, NULL, &ev, &f);
	if (!o.force && !(ev.guest_type.found && strcmp(ev.guest_type.value, "PVH") == 0)) {
		run.result = "refused";
		strbuf_addf(&why, "dom0 is running as %s, not PVH: make the PVH entry the default only after a trial boot that `dom0cuda verify` passed (or pass --force)",
			    ev.guest_type.found ? ev.guest_type.value : "an unknown type");
		rc = EXIT_BLOCKED;
	} else {
		rc = bootcmd_apply(ctx, &o, &sr, ev.efi, &step, &run, &out, &why);
		if (rc == 0 && strcmp(run.result, "applied") == 0)
			boot_trial_mark(&run.bf.root, false); /* nothing is on trial any more */
		if (rc == 0 && strcmp(run.result, "applied") == 0)
			strbuf_addf(&out, "Done: '%s' is the default boot entry. `dom0cuda rollback` undoes it.\n",
				    run.ch.entry_title);
	}
	if (why.len)
		log_error("%s", why.buf);
	if (ctx->json) {
		struct json_writer jw;

		strbuf_reset(&out);
		json_init(&jw, &out);
		json_object_begin(&jw, NULL);
		json_string(&jw, "schema", "dom0cuda.persist/1");
		json_string(&jw, "result", run.result);
		if (run.planned) {
			json_string(&jw, "entry", run.ch.entry_title);
			bootcmd_plan_json(&jw, &run.bf, &run.ch);
		}
		json_string(&jw, "error", why.len ? why.buf : NULL);
		json_object_end(&jw);
	}
	r = cmd_emit(ctx, &out);
	if (r && !rc)
		rc = r;
	bootcmd_run_free(&run);
	strbuf_release(&out);
	strbuf_release(&why);
	findings_free(&f);
	evidence_free(&ev);
	sysroot_close(&sr);
	return rc;
}
