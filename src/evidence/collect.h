/* Internal to evidence/: one collector per source family. */
#ifndef DOM0CUDA_COLLECT_H
#define DOM0CUDA_COLLECT_H

#include "evidence/evidence.h"
#include "util/strbuf.h"

void collect_dmesg(struct sysroot *sr, struct evidence *ev);
void collect_xen_console(struct sysroot *sr, struct evidence *ev);
void collect_system(struct sysroot *sr, struct evidence *ev);
void collect_pci(struct sysroot *sr, struct evidence *ev);

/* Runs `xl VERB` (live only). */
int run_xl(const char *verb, struct strbuf *out);
const char *xl_path(void);

#endif
