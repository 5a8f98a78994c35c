/* The Xen command line as a token list: parse, lint, edit. Pure functions.
 * Syntax and semantics follow xen/common/kernel.c (parse_bool), the iommu=
 * and dom0= parsers and docs/misc/xen-command-line.pandoc (domain-facts §4). */
#ifndef DOM0CUDA_XEN_CMDLINE_H
#define DOM0CUDA_XEN_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

struct xen_token {
	char *text;    /* the whole token as written: "iommu=no", "no-hap" */
	size_t offset; /* byte offset in the original line */
};

struct xen_cmdline {
	struct xen_token *tok;
	size_t n;
};

/* Splits on blanks (Xen does not honour quotes on its own line). */
void xen_cmdline_parse(const char *line, struct xen_cmdline *cl);
void xen_cmdline_free(struct xen_cmdline *cl);
/* Tokens joined with single spaces; caller frees. */
char *xen_cmdline_format(const struct xen_cmdline *cl);

/* Xen's boolean: 1 true, 0 false, -1 not a boolean. */
int xen_parse_bool(const char *s, size_t len);

/* What the line means for a PVH dom0, after Xen's own rules (last one wins). */
enum xen_tristate { XEN_UNSET = -1, XEN_OFF = 0, XEN_ON = 1 };

struct xen_cmdline_facts {
	enum xen_tristate iommu;    /* iommu=<bool> (or no-iommu); force/required imply on */
	bool iommu_forced;          /* iommu=force|required */
	bool iommu_pt;              /* "pt" seen in iommu= (invalid in Xen) */
	bool dom0_pvh;              /* dom0= list ends up pvh */
	bool dom0_pv_explicit;      /* dom0=pv given */
	bool dom0_iommu_none;       /* dom0-iommu=none */
	enum xen_tristate hap;      /* hap=<bool> / no-hap */
	bool noreboot;              /* noreboot (=true) */
	const char *iommu_off_token;  /* the token that disables the IOMMU (points into cl) */
	const char *iommu_pt_token;
	const char *noreboot_token;
	const char *nohap_token;
	const char *dom0_token;
};

void xen_cmdline_facts(const struct xen_cmdline *cl, struct xen_cmdline_facts *f);

/* Lint: problems a human should know before booting this line. */
enum xen_lint_severity { XEN_LINT_WARN, XEN_LINT_FAIL };

struct xen_lint_issue {
	const char *id;        /* stable finding id: XEN_PARAM_INVALID, XEN_IOMMU_DISABLED, ... */
	enum xen_lint_severity sev;
	char *token;           /* the token concerned */
	char *message;         /* one line, for people */
};

struct xen_lint {
	struct xen_lint_issue *v;
	size_t n;
};

/* Checks the options that matter here: iommu=, dom0=, dom0-iommu=,
 * dom0_mem=, hap/no-hap, noreboot, console=. */
void xen_cmdline_lint(const struct xen_cmdline *cl, struct xen_lint *out);
void xen_lint_free(struct xen_lint *l);

/* Edits for `fix` (DESIGN §5): removes every token that turns the IOMMU off
 * (iommu=no|0|off|false|disable, no-iommu) and the invalid iommu=pt; in an
 * iommu= list only the offending items are dropped ("pt,verbose" ->
 * "verbose"). Returns how many tokens changed. */
int xen_cmdline_enable_iommu(struct xen_cmdline *cl);
/* Adds pvh to dom0=: merges into an existing dom0= list (replacing pv),
 * else appends "dom0=pvh". Returns 1 if changed, 0 if already pvh. */
int xen_cmdline_set_dom0_pvh(struct xen_cmdline *cl);

#endif
