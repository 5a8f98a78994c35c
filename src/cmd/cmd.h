/* The verb interface: main.c parses global options into a struct ctx, looks
 * the verb up in its table (git's commands[]) and calls it. A verb returns
 * the process exit code (DESIGN §4): 0-3 for verdicts, sysexits for errors. */
#ifndef DOM0CUDA_CMD_H
#define DOM0CUDA_CMD_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes (DESIGN §4). Verdict codes double as verb results. */
enum {
	EXIT_READY = 0,
	EXIT_FIXABLE = 1,
	EXIT_BLOCKED = 2,
	EXIT_UNKNOWN = 3,
	EXIT_USAGE = 64,     /* EX_USAGE */
	EXIT_DATAERR = 65,   /* EX_DATAERR: bad input data */
	EXIT_NOINPUT = 66,   /* EX_NOINPUT: --root or an input file missing */
	EXIT_SOFTWARE = 70,  /* EX_SOFTWARE: internal error */
	EXIT_CANTCREAT = 73, /* EX_CANTCREAT */
	EXIT_IOERR = 74,     /* EX_IOERR */
	EXIT_TEMPFAIL = 75,  /* EX_TEMPFAIL: lock held, try again */
	EXIT_NOPERM = 77,    /* EX_NOPERM */
};

/* Verb flags. */
enum {
	CMD_NEEDS_ROOT = 1 << 0,  /* must run as uid 0 when --root is / */
	CMD_WRITES_BOOT = 1 << 1, /* may change grub.cfg / grubenv */
};

struct ctx {
	const char *root;    /* --root, default "/" */
	bool json;           /* --json */
	bool color;          /* colour on (TTY, no NO_COLOR, no --no-color) */
	int verbosity;       /* 0 -q, 1 normal, 2 -v */
	const char *argv0;
	int orig_argc;       /* the whole command line, for report's meta.json */
	char **orig_argv;
	FILE *out;           /* stdout */
};

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct ctx *ctx);
	unsigned flags;
	const char *summary; /* one line for `dom0cuda help` */
	const char *usage;   /* full text for `dom0cuda help VERB` and `VERB --help` */
};

const struct cmd *cmd_lookup(const char *name);
/* Prints cmd->usage to out. */
void cmd_print_usage(const struct cmd *cmd, FILE *out);

/* Shared options help text every verb includes. */
#define CMD_GLOBAL_OPTIONS_HELP \
	"Global options (before or after the verb):\n" \
	"  --root DIR    read (and write) the system under DIR: a bundle, a fixture, a mounted disk\n" \
	"  --json        machine-readable output\n" \
	"  --no-color    no colour (also NO_COLOR=1); colour is only used on a terminal\n" \
	"  -q, --quiet   only errors on stderr\n" \
	"  -v, --verbose more detail\n"

int cmd_check(int argc, char **argv, struct ctx *ctx);
int cmd_report(int argc, char **argv, struct ctx *ctx);
int cmd_fix(int argc, char **argv, struct ctx *ctx);
int cmd_verify(int argc, char **argv, struct ctx *ctx);
int cmd_persist(int argc, char **argv, struct ctx *ctx);
int cmd_rollback(int argc, char **argv, struct ctx *ctx);
int cmd_smoke(int argc, char **argv, struct ctx *ctx);

extern const char cmd_check_usage[];
extern const char cmd_report_usage[];
extern const char cmd_fix_usage[];
extern const char cmd_verify_usage[];
extern const char cmd_persist_usage[];
extern const char cmd_rollback_usage[];
extern const char cmd_smoke_usage[];

#endif
