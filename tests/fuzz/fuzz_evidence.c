/* Every log and text source check reads, through the real collectors: the
 * input is split at "\n@@@@\n" into dmesg, xl dmesg, xl info, os-release
 * and xensource-inventory, written into a scratch sysroot, then
 * evidence_collect(), diagnose() and both renderers run on it. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diagnose/diagnose.h"
#include "evidence/evidence.h"
#include "evidence/logscan.h"
#include "render/render.h"
#include "fuzz.h"

#define SEP "\n@@@@\n"

static const char *const files[] = { "commands/dmesg.txt", "commands/xl-dmesg.txt",
				     "commands/xl-info.txt", "etc/os-release",
				     "etc/xensource-inventory", NULL };
static char root[64];

/* The scratch sysroot goes with the process. */
static void cleanup(void)
{
	char path[160];

	for (size_t i = 0; files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", root, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/commands", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/etc", root);
	rmdir(path);
	rmdir(root);
}

static void put(const char *rel, const char *data, size_t len)
{
	char path[160];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	FUZZ_ASSERT(fd >= 0, "open %s", path);
	FUZZ_ASSERT(write(fd, data, len) == (ssize_t)len, "write %s", path);
	close(fd);
}

static void count_line(void *data, const char *line, size_t len, long no)
{
	FUZZ_ASSERT(len <= LOGSCAN_LINE_MAX && no > 0, "line %ld len %zu", no, len);
	FUZZ_ASSERT(!memchr(line, '\n', len), "newline inside line %ld", no);
	(*(long *)data)++;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char *const anchors[] = { "Xen", "NVRM", "PAT", NULL };
	const char *p = (const char *)data, *end = p + size;
	struct sysroot sr;
	struct evidence ev;
	struct findings f;
	struct diagnose_opts opts = { 0 };
	struct render_opts ro = { .verbosity = 2, .root = root };
	struct strbuf out = STRBUF_INIT;
	struct logscan_stats st = { 0 };
	long hits = 0;

	if (!root[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(root, sizeof(root), "%s/d0c-fuzz.XXXXXX", tmp ? tmp : "/tmp");
		FUZZ_ASSERT(mkdtemp(root), "mkdtemp");
		for (const char *d = "commands\0etc\0"; *d; d += strlen(d) + 1) {
			char path[160];

			snprintf(path, sizeof(path), "%s/%s", root, d);
			mkdir(path, 0755);
		}
		atexit(cleanup);
	}
	logscan_buf(p, size, anchors, count_line, &hits, &st);
	for (size_t i = 0; files[i]; i++) {
		const char *s = p < end ? memmem(p, (size_t)(end - p), SEP, strlen(SEP)) : NULL;
		size_t n = s ? (size_t)(s - p) : (size_t)(end - p);

		put(files[i], p, n);
		p = s ? s + strlen(SEP) : end;
	}
	FUZZ_ASSERT(sysroot_open(&sr, root) == 0, "sysroot_open %s", root);
	evidence_collect(&sr, &ev);
	diagnose(&ev, &opts, &f);
	FUZZ_ASSERT(f.verdict >= VERDICT_READY && f.verdict <= VERDICT_UNKNOWN && f.reason, "verdict");
	render_check_text(&out, &ev, &f, &ro);
	render_check_json(&out, &ev, &f, &ro);
	strbuf_release(&out);
	findings_free(&f);
	evidence_free(&ev);
	sysroot_close(&sr);
	return 0;
}
