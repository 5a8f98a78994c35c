/* The Xen command line: parse, facts, lint, and fix's two edits. After the
 * edits the line must mean what fix promises (IOMMU not off, no iommu=pt,
 * dom0 PVH), and doing them again must change nothing. */
#include <string.h>

#include "boot/xen_cmdline.h"
#include "util/strbuf.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *line = xstrndup((const char *)data, size); /* stops at a NUL, as C strings do */
	struct xen_cmdline cl, re;
	struct xen_cmdline_facts f;
	struct xen_lint lint = { 0 };
	char *s1, *s2;

	xen_cmdline_parse(line, &cl);
	for (size_t i = 0; i < cl.n; i++)
		FUZZ_ASSERT(cl.tok[i].offset < strlen(line) &&
			    strncmp(line + cl.tok[i].offset, cl.tok[i].text, strlen(cl.tok[i].text)) == 0,
			    "token %zu offset", i);
	xen_cmdline_facts(&cl, &f);
	xen_cmdline_lint(&cl, &lint);
	for (size_t i = 0; i < lint.n; i++)
		FUZZ_ASSERT(lint.v[i].id && lint.v[i].message, "lint %zu incomplete", i);
	xen_lint_free(&lint);
	for (size_t i = 0; i < size; i++)
		(void)xen_parse_bool((const char *)data + i, size - i < 8 ? size - i : 8);

	xen_cmdline_enable_iommu(&cl);
	xen_cmdline_set_dom0_pvh(&cl);
	s1 = xen_cmdline_format(&cl);
	xen_cmdline_parse(s1, &re);
	xen_cmdline_facts(&re, &f);
	FUZZ_ASSERT(f.iommu != XEN_OFF, "IOMMU still off after enable_iommu: '%s'", s1);
	FUZZ_ASSERT(!f.iommu_pt, "iommu=pt left: '%s'", s1);
	FUZZ_ASSERT(f.dom0_pvh, "dom0 not PVH after set_dom0_pvh: '%s'", s1);
	FUZZ_ASSERT(xen_cmdline_enable_iommu(&re) == 0, "enable_iommu not idempotent: '%s'", s1);
	FUZZ_ASSERT(xen_cmdline_set_dom0_pvh(&re) == 0, "set_dom0_pvh not idempotent: '%s'", s1);
	s2 = xen_cmdline_format(&re);
	FUZZ_ASSERT(strcmp(s1, s2) == 0, "'%s' became '%s'", s1, s2);
	free(s1);
	free(s2);
	xen_cmdline_free(&re);
	xen_cmdline_free(&cl);
	free(line);
	return 0;
}
