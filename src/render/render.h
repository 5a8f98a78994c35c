/* Output for people (aligned PASS/INFO/WARN/FAIL column, colour only on a
 * TTY) and for machines (versioned JSON). Pure: writes into a strbuf. */
#ifndef DOM0CUDA_RENDER_H
#define DOM0CUDA_RENDER_H

#include <stdbool.h>

#include "diagnose/diagnose.h"
#include "evidence/evidence.h"
#include "util/json.h"
#include "util/strbuf.h"

struct render_opts {
	bool color;
	int verbosity; /* 0 quiet: verdict only; 2: also every source read */
	const char *root;
};

/* ANSI colour for a severity (or "" without colour) and the reset. */
const char *render_sev_color(enum severity s, bool color);
const char *render_reset(bool color);

/* One finding: status column, id, summary; then proof and hint lines. */
void render_finding_text(struct strbuf *out, const struct finding *f, const struct render_opts *o);
/* "findings": [...] inside an open JSON object. */
void render_findings_json(struct json_writer *jw, const struct findings *f);
/* "host": {...} inside an open JSON object. */
void render_host_json(struct json_writer *jw, const struct evidence *ev, const char *root);
/* "Xen 4.17.7 · dom0 PV · XCP-ng 8.3.0 · 1 NVIDIA GPU" */
void render_host_line(struct strbuf *out, const struct evidence *ev);

void render_check_text(struct strbuf *out, const struct evidence *ev, const struct findings *f,
		       const struct render_opts *o);
void render_check_json(struct strbuf *out, const struct evidence *ev, const struct findings *f,
		       const struct render_opts *o);

#endif
