/* Evidence in, findings and a verdict out (DESIGN §4). Pure: no I/O.
 * Finding ids are an interface (JSON users match on them): never rename. */
#ifndef DOM0CUDA_DIAGNOSE_H
#define DOM0CUDA_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>

#include "evidence/evidence.h"

enum severity { SEV_PASS, SEV_INFO, SEV_WARN, SEV_FAIL };

enum verdict { VERDICT_READY = 0, VERDICT_FIXABLE = 1, VERDICT_BLOCKED = 2, VERDICT_UNKNOWN = 3 };

/* What a finding means for `fix`. */
enum {
	FINDING_CURABLE = 1 << 0,   /* the PVH switch cures it (DOM0_PV, NVRM_PAT_UNSUPPORTED) */
	FINDING_FIX_EDITS = 1 << 1, /* fix changes the Xen line for it (iommu=no) */
	FINDING_BLOCKS = 1 << 2,    /* a human must act first */
	FINDING_PANIC = 1 << 3,     /* predicts a Xen panic without fallback: --force never overrides */
	FINDING_MISSING = 1 << 4,   /* evidence missing: verdict may be unknown */
	FINDING_ACCEPTED = 1 << 5,  /* the admin accepted it with --accept */
};

#define FINDING_MAX_PROOF 4

struct proof {
	const char *source;
	long line;
	const char *text;
};

struct finding {
	const char *id;
	enum severity sev;
	char *summary;
	char *hint;
	struct proof proof[FINDING_MAX_PROOF];
	size_t nproof;
	unsigned flags;
};

struct findings {
	struct finding *v;
	size_t n;
	enum verdict verdict;
	char *reason;       /* one line: why this verdict */
	const char *next;   /* the one command to run next */
};

struct diagnose_opts {
	const char *const *accept; /* finding ids the admin accepted (NULL-terminated) */
};

/* The ids diagnose() can emit, for --accept validation and completion. */
extern const char *const finding_ids[];
bool finding_id_known(const char *id);

void diagnose(const struct evidence *ev, const struct diagnose_opts *opts, struct findings *out);
void findings_free(struct findings *f);
const struct finding *findings_get(const struct findings *f, const char *id);

const char *severity_name(enum severity s); /* "pass", "info", "warn", "fail" */
const char *verdict_name(enum verdict v);   /* "ready", "fixable", "blocked", "unknown" */

#endif
