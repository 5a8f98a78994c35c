/* dom0cuda smoke: parse options, run src/cuda/smoke, render. Exit 0 when
 * CUDA does real work on every GPU tested, 2 when it does not. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cuda/smoke.h"
#include "util/log.h"
#include "util/strbuf.h"

const char cmd_smoke_usage[] =
	"usage: dom0cuda smoke [--quick] [--all | --device N] [--size BYTES[K|M|G]]\n"
	"                      [--reps N] [--timeout SECONDS]\n"
	"\n"
	"Proves that CUDA does real work on this host's GPUs with only the driver\n"
	"installed: cuInit, device properties, a primary context, a 64 MiB\n"
	"allocation, a copy there and back with verification, and a PTX kernel\n"
	"launched and checked; then host-to-device and device-to-host bandwidth\n"
	"with pinned, write-combined and pageable memory, next to the PCIe link's\n"
	"rate. The first failing step is named with its CUDA error and what it means\n"
	"in a Xen dom0 (801 on the first allocation: dom0 is Xen PV).\n"
	"\n"
	"  --quick          stop after the kernel check (the verdict, no bandwidth)\n"
	"  --all            every GPU, in parallel, one thread each (the default)\n"
	"  --device N       only CUDA device N (after CUDA_VISIBLE_DEVICES)\n"
	"  --size BYTES     bandwidth transfer size (default 64M, at least 1M)\n"
	"  --reps N         bandwidth: best of N timed copies (default 5)\n"
	"  --timeout SECS   a step that takes longer is abandoned and named (default 30)\n"
	"\n"
	"Exit status: 0 CUDA works, 2 it does not (no driver, no GPU, a failed step),\n"
	"64 usage. --json prints the dom0cuda.smoke/1 document.\n";

/* "64M" -> 67108864. -EINVAL for junk, -ERANGE past the cap. */
static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || errno || s[0] == '-')
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end)
		return -EINVAL;
	if (v > (16ull << 30) >> shift)
		return -ERANGE;
	*out = (size_t)(v << shift);
	return 0;
}

static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Options take their value as the next argument or after '='. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static int parse_args(int argc, char **argv, struct smoke_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		long n;

		if (strcmp(a, "--quick") == 0) {
			o->quick = true;
		} else if (strcmp(a, "--all") == 0) {
			o->device = -1;
		} else if ((v = opt_value(argc, argv, &i, "--device"))) {
			if (parse_int(v, 0, INT_MAX, &n) < 0)
				goto bad;
			o->device = (int)n;
		} else if ((v = opt_value(argc, argv, &i, "--size"))) {
			if (parse_size(v, &o->size) < 0 || o->size < (1u << 20))
				goto bad;
		} else if ((v = opt_value(argc, argv, &i, "--reps"))) {
			if (parse_int(v, 1, 1000, &n) < 0)
				goto bad;
			o->reps = (int)n;
		} else if ((v = opt_value(argc, argv, &i, "--timeout"))) {
			if (parse_int(v, 1, 3600, &n) < 0)
				goto bad;
			o->step_timeout_s = (double)n;
		} else {
			log_error("smoke: unknown option '%s'; see `dom0cuda help smoke`", a);
			return EXIT_USAGE;
		}
		continue;
bad:
		log_error("smoke: bad or missing value for '%s'; see `dom0cuda help smoke`", a);
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_smoke(int argc, char **argv, struct ctx *ctx)
{
	struct smoke_opts o = SMOKE_OPTS_INIT;
	struct smoke_result res;
	int r;

	r = parse_args(argc, argv, &o);
	if (r)
		return r;
	o.root = ctx->root;
	o.progress = ctx->verbosity > 0 && isatty(STDERR_FILENO);
	r = smoke_run(&o, &res);
	if (r < 0) {
		log_errno(r, "smoke: cannot run");
		return EXIT_SOFTWARE;
	}
	if (ctx->json) {
		struct strbuf sb = STRBUF_INIT;

		smoke_render_json(&res, &sb);
		fputs(strbuf_str(&sb), ctx->out);
		strbuf_release(&sb);
	} else {
		smoke_render_text(&res, ctx->out, ctx->color);
	}
	fflush(ctx->out);
	r = res.ok ? EXIT_READY : EXIT_BLOCKED;
	smoke_result_free(&res);
	return r;
}
