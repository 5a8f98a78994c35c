/* Helpers shared by the verbs (only cmd/ uses them). */
#ifndef DOM0CUDA_CMD_COMMON_H
#define DOM0CUDA_CMD_COMMON_H

#include "cmd/cmd.h"
#include "diagnose/diagnose.h"
#include "evidence/evidence.h"
#include "evidence/sysroot.h"
#include "util/strbuf.h"

/* Opens --root; on failure logs one clear line and returns the exit code
 * (66 no such directory, 77 permission), else 0. */
int cmd_open_root(const struct ctx *ctx, struct sysroot *sr);

/* --accept ID (repeatable): collects ids into a NULL-terminated list;
 * an unknown id is a usage error. Returns 0 or EXIT_USAGE. */
struct accept_list {
	const char **ids;
	size_t n;
};
int cmd_accept_add(struct accept_list *al, const char *id);
void cmd_accept_free(struct accept_list *al);

/* evidence_collect + diagnose in one step, for check, fix and verify. */
void cmd_diagnose(struct sysroot *sr, const struct accept_list *al, struct evidence *ev,
		  struct findings *f);

/* Writes the buffer to ctx->out; returns 0 or EXIT_IOERR (e.g. a closed pipe). */
int cmd_emit(const struct ctx *ctx, const struct strbuf *sb);

#endif
