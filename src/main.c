/* dom0cuda: make CUDA work in a Xen dom0, prove it, keep the host bootable.
 * main parses global options (anywhere before "--"), finds the verb in
 * commands[] and runs it. Nothing below cmd/ exits the process. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "diagnose/diagnose.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "version.h"

static const struct cmd commands[] = {
	{ "check", cmd_check, 0, "diagnose this host: why CUDA fails and what to do next", cmd_check_usage },
	{ "report", cmd_report, 0, "write an evidence bundle that `check --root` replays", cmd_report_usage },
	{ "fix", cmd_fix, CMD_NEEDS_ROOT | CMD_WRITES_BOOT, "add a PVH dom0 boot entry and boot it once (plan, diff, confirm)", cmd_fix_usage },
	{ "verify", cmd_verify, 0, "after the trial reboot: is dom0 PVH and does CUDA work?", cmd_verify_usage },
	{ "persist", cmd_persist, CMD_NEEDS_ROOT | CMD_WRITES_BOOT, "make the verified PVH entry the default", cmd_persist_usage },
	{ "rollback", cmd_rollback, CMD_NEEDS_ROOT | CMD_WRITES_BOOT, "undo every boot change dom0cuda made", cmd_rollback_usage },
	{ "smoke", cmd_smoke, 0, "prove CUDA does real work on every GPU; PCIe bandwidth", cmd_smoke_usage },
};

const struct cmd *cmd_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

void cmd_print_usage(const struct cmd *cmd, FILE *out)
{
	fputs(cmd->usage, out);
	fputs("\n" CMD_GLOBAL_OPTIONS_HELP, out);
}

static void print_main_usage(FILE *out)
{
	fputs("usage: dom0cuda [--root DIR] [--json] [--no-color] [-q|-v] VERB [ARGS]\n"
	      "       dom0cuda help [VERB | findings] | --version\n\nVerbs:\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("\n" CMD_GLOBAL_OPTIONS_HELP
	      "\nExit codes: 0 ready/success, 1 fixable, 2 blocked, 3 unknown,\n"
	      "64 usage, 65 bad input data, 66 no input, 73 cannot create, 75 locked, 77 permission.\n"
	      "See dom0cuda(8).\n", out);
}

/* Pulls the global options out of argv wherever they stand (before "--"),
 * leaving the verb and its own arguments in order. Returns 0 or an exit code. */
static int parse_globals(int *argc, char **argv, struct ctx *ctx, int *no_color)
{
	int out = 1;
	int i;

	for (i = 1; i < *argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, "--root") == 0) {
			if (i + 1 >= *argc) {
				log_error("--root needs a directory");
				return EXIT_USAGE;
			}
			ctx->root = argv[++i];
		} else if (strncmp(a, "--root=", 7) == 0) {
			ctx->root = a + 7;
		} else if (strcmp(a, "--json") == 0) {
			ctx->json = true;
		} else if (strcmp(a, "--no-color") == 0 || strcmp(a, "--no-colour") == 0) {
			*no_color = 1;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			ctx->verbosity = 0;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			ctx->verbosity = 2;
		} else {
			argv[out++] = argv[i];
		}
	}
	for (; i < *argc; i++)
		argv[out++] = argv[i];
	argv[out] = NULL;
	*argc = out;
	if (ctx->root[0] == '\0') {
		log_error("--root needs a directory, not an empty string");
		return EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ctx ctx = { .root = "/", .verbosity = 1, .argv0 = argv[0], .out = stdout,
			   .orig_argc = argc };
	const struct cmd *cmd;
	int no_color = 0;
	int r;

	/* parse_globals reorders argv; report's meta.json wants it as typed. */
	ctx.orig_argv = xcalloc((size_t)argc + 1, sizeof(char *));
	memcpy(ctx.orig_argv, argv, (size_t)argc * sizeof(char *));
	r = parse_globals(&argc, argv, &ctx, &no_color);
	if (r)
		return r;
	log_level = (enum log_level)ctx.verbosity;
	{
		const char *nc = getenv("NO_COLOR");
		ctx.color = !no_color && !(nc && *nc) && isatty(STDOUT_FILENO);
	}

	if (argc < 2) {
		print_main_usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("dom0cuda %s\n", DOM0CUDA_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc >= 3 && strcmp(argv[2], "findings") == 0) {
			/* One id a line: bash completion (contrib/) and scripts read it. */
			puts("Finding ids (dom0cuda(8) explains each):");
			for (size_t i = 0; finding_ids[i]; i++)
				printf("  %s\n", finding_ids[i]);
			return 0;
		}
		if (argc >= 3) {
			cmd = cmd_lookup(argv[2]);
			if (!cmd) {
				log_error("unknown verb '%s'; `dom0cuda help` lists them", argv[2]);
				return EXIT_USAGE;
			}
			cmd_print_usage(cmd, stdout);
			return 0;
		}
		print_main_usage(stdout);
		return 0;
	}
	cmd = cmd_lookup(argv[1]);
	if (!cmd) {
		log_error("unknown verb '%s'; `dom0cuda help` lists them", argv[1]);
		return EXIT_USAGE;
	}
	for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cmd_print_usage(cmd, stdout);
			return 0;
		}
	}
	if ((cmd->flags & CMD_NEEDS_ROOT) && strcmp(ctx.root, "/") == 0 && geteuid() != 0) {
		log_error("'%s' changes the boot configuration and must run as root "
			  "(or use --root DIR on a copy)", cmd->name);
		return EXIT_NOPERM;
	}
	return cmd->fn(argc - 1, argv + 1, &ctx);
}
