/* dom0cuda check: collect -> diagnose -> render. Reads only. */
#include <getopt.h>
#include <string.h>

#include "cmd/common.h"
#include "render/render.h"
#include "util/log.h"

const char cmd_check_usage[] =
	"usage: dom0cuda check [--accept ID]... [--root DIR] [--json]\n"
	"\n"
	"Diagnoses why CUDA fails in this Xen dom0 and what to do next: how dom0\n"
	"runs (PV or PVH), what the NVIDIA driver said about PAT, whether a PVH\n"
	"dom0 would boot (HVM, HAP, IOMMU, kernel, Xen command line), each with the\n"
	"lines that prove it. Reads only; changes nothing.\n"
	"\n"
	"  --accept ID   treat finding ID as accepted (it no longer blocks), e.g.\n"
	"                NVIDIA_GPU_ABSENT on a test machine without a GPU. Findings\n"
	"                that predict a Xen panic cannot be accepted.\n"
	"\n"
	"Verdicts and exit codes: 0 ready, 1 fixable (run dom0cuda fix), 2 blocked\n"
	"(a human must act first), 3 unknown (not enough evidence).\n";

int cmd_check(int argc, char **argv, struct ctx *ctx)
{
	static const struct option opts[] = {
		{ "accept", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct accept_list accept = { 0 };
	struct render_opts ro = { .color = ctx->color, .verbosity = ctx->verbosity, .root = ctx->root };
	struct sysroot sr;
	struct evidence ev;
	struct findings f;
	struct strbuf out = STRBUF_INIT;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 'a') {
			if ((r = cmd_accept_add(&accept, optarg)))
				goto out_accept;
			continue;
		}
		fprintf(stderr, "%s", cmd_check_usage);
		r = EXIT_USAGE;
		goto out_accept;
	}
	if (optind < argc) {
		log_error("check takes no arguments ('%s'); see dom0cuda help check", argv[optind]);
		r = EXIT_USAGE;
		goto out_accept;
	}
	if ((r = cmd_open_root(ctx, &sr)))
		goto out_accept;
	cmd_diagnose(&sr, &accept, &ev, &f);
	if (ctx->json)
		render_check_json(&out, &ev, &f, &ro);
	else
		render_check_text(&out, &ev, &f, &ro);
	r = cmd_emit(ctx, &out);
	if (r == 0)
		r = (int)f.verdict;
	strbuf_release(&out);
	findings_free(&f);
	evidence_free(&ev);
	sysroot_close(&sr);
out_accept:
	cmd_accept_free(&accept);
	return r;
}
