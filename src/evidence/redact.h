/* Consistent redaction for `report --redact`: host names, serial numbers,
 * UUIDs and MAC addresses are replaced by stand-ins; the same value always
 * gets the same stand-in, so a bundle still reads coherently. The stand-ins
 * keep each format (a UUID stays a UUID) so `check` parses them the same. */
#ifndef DOM0CUDA_REDACT_H
#define DOM0CUDA_REDACT_H

#include <stddef.h>

#include "evidence/evidence.h"
#include "util/strbuf.h"

struct redactor;

struct redactor *redactor_new(const char *hostname);
void redactor_free(struct redactor *rd);
/* Adds names found in the evidence (xl info's host). */
void redactor_learn_evidence(struct redactor *rd, const struct evidence *ev);
/* Appends line (len bytes) with every sensitive value replaced. */
void redact_line(struct redactor *rd, const char *line, size_t len, struct strbuf *out);
/* Copy with redaction (rd NULL: plain copy). 0 or -errno. */
int redact_copy_fd(struct redactor *rd, int in, int out);
int redact_copy_buf(struct redactor *rd, const char *buf, size_t len, int out);

#endif
