/* report --redact: consistent stand-ins that keep each value's format. */
#include <stdlib.h>

#include "evidence/redact.h"
#include "unit.h"

static char *red(struct redactor *rd, const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	redact_line(rd, s, strlen(s), &sb);
	return strbuf_detach(&sb);
}

int main(void)
{
	struct redactor *rd = redactor_new("gpu-host-07");
	char *a = red(rd, "host gpu-host-07 uuid 3f9c1d2e-8b7a-4c6d-9e0f-1a2b3c4d5e6f mac 00:1B:21:aa:bb:cc");
	char *b = red(rd, "again 3F9C1D2E-8B7A-4C6D-9E0F-1A2B3C4D5E6F gpu-host-07x Serial Number: 1652922012345");
	char *c = red(rd, "module2 /boot/vmlinuz root=LABEL=root-abc ro");

	UNIT_STREQ(a, "host redacted-host-1 uuid 00000000-0000-4000-8000-000000000001 mac 02:00:00:00:00:01",
		   "redact_replaces_host_uuid_mac");
	UNIT_STREQ(b, "again 00000000-0000-4000-8000-000000000001 gpu-host-07x Serial Number: REDACTED-SERIAL-1",
		   "redact_is_consistent_and_word_bounded");
	UNIT_STREQ(c, "module2 /boot/vmlinuz root=LABEL=root-abc ro", "redact_leaves_other_text");
	free(a);
	free(b);
	free(c);
	redactor_free(rd);
	return unit_done();
}
