/* Internal to diagnose/: building findings. */
#ifndef DOM0CUDA_RULES_H
#define DOM0CUDA_RULES_H

#include "diagnose/diagnose.h"

struct finding *finding_add(struct findings *f, const char *id, enum severity sev, unsigned flags,
			    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void finding_hint(struct finding *fd, const char *hint);
void finding_proof(struct finding *fd, const struct ev_item *it);

#endif
