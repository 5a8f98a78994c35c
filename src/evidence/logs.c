/* Collectors for the logs: the dom0 kernel log and the Xen console. Live,
 * they come from /dev/kmsg and `xl dmesg`; in a bundle from commands/dmesg.txt and xl-dmesg.txt. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evidence/collect.h"
#include "evidence/logscan.h"
#include "util/exec.h"
#include "util/log.h"

/* `xl info` answers in milliseconds on a real host, but takes over 10 s in an
 * emulated PVH dom0 (tests/xen); DOM0CUDA_XL_TIMEOUT (seconds) overrides. */
#define XL_TIMEOUT_MS 30000
#define XL_MAX_OUTPUT (16u << 20)

static const char *find_sub(const char *line, size_t len, const char *needle)
{
	return memmem(line, len, needle, strlen(needle));
}

/* The rest of the line after needle, blanks trimmed. */
static char *rest_after(const char *line, size_t len, const char *needle)
{
	const char *p = find_sub(line, len, needle);
	const char *end = line + len;

	if (!p)
		return NULL;
	p += strlen(needle);
	while (p < end && *p == ' ')
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return xstrndup(p, (size_t)(end - p));
}

static bool contains_ci(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(s + i, needle, n) == 0)
			return true;
	return false;
}

/* --- dom0 kernel log --- */

static const char *const dmesg_anchors[] = {
	"Hypervisor detected", "Booting ", "x86/PAT:", "NVRM", "xen: --> pirq=", NULL,
};

struct dmesg_ctx {
	struct evidence *ev;
	const char *source;
	size_t params_pending; /* Xen console: first complaint after the last "Command line:" */
};

static void parse_pat(struct evidence *ev, const char *src, const char *line, size_t len, long no)
{
	char *rest = rest_after(line, len, "Configuration [0-7]:");
	char fields[8][8];
	int n = 0;
	struct strbuf v = STRBUF_INIT;

	if (!rest)
		return;
	for (char *tok = strtok(rest, " \t"); tok && n < 8; tok = strtok(NULL, " \t"))
		snprintf(fields[n++], sizeof(fields[0]), "%s", tok);
	free(rest);
	if (n != 8)
		return;
	ev->pat_wc_index = -1;
	for (int i = 0; i < 8; i++) {
		if (i)
			strbuf_addch(&v, ' ');
		strbuf_addstr(&v, fields[i]);
		if (ev->pat_wc_index < 0 && strcmp(fields[i], "WC") == 0)
			ev->pat_wc_index = i;
	}
	ev_item_set(&ev->pat, v.buf, src, no, line, len);
	strbuf_release(&v);
}

static void on_dmesg_line(void *data, const char *line, size_t len, long no)
{
	struct dmesg_ctx *c = data;
	struct evidence *ev = c->ev;
	char *v;

	if ((v = rest_after(line, len, "Hypervisor detected:"))) {
		ev_item_set(&ev->hyp_detected, v, c->source, no, line, len);
	} else if ((v = rest_after(line, len, "Booting paravirtualized kernel on")) ||
		   (v = rest_after(line, len, "Booting kernel on"))) {
		ev_item_set(&ev->banner, v, c->source, no, line, len);
	} else if (find_sub(line, len, "x86/PAT: Configuration [0-7]:")) {
		parse_pat(ev, c->source, line, len, no);
	} else if (find_sub(line, len, "xen: --> pirq=")) {
		if (!ev->dom0_pirq.found)
			ev_item_set(&ev->dom0_pirq, "dom0", c->source, no, line, len);
	} else if (find_sub(line, len, "x86/PAT: MTRRs disabled")) {
		ev_item_set(&ev->pat_disabled, "MTRRs disabled", c->source, no, line, len);
	} else if (find_sub(line, len, "NVRM: PAT configuration unsupported")) {
		if (!ev->nvrm_pat.found)
			ev_item_set(&ev->nvrm_pat, "PAT configuration unsupported", c->source, no, line, len);
	} else if (find_sub(line, len, "NVRM: loading NVIDIA")) {
		ev_item_set(&ev->nvrm_loaded, "loaded", c->source, no, line, len);
	} else if (find_sub(line, len, "NVRM")) {
		static const char *const bad[] = { "error", "fail", "unsupported", "not supported",
						   "xid", "fallen off", "no nvidia", "unable", "invalid",
						   "mismatch", NULL };
		for (size_t i = 0; bad[i]; i++) {
			if (contains_ci(line, len, bad[i]) && ev->n_nvrm_errors < EV_MAX_LIST) {
				ev_item_set(&ev->nvrm_errors[ev->n_nvrm_errors++], "NVRM error",
					    c->source, no, line, len);
				break;
			}
		}
	}
	free(v);
}

/* /dev/kmsg records ("pri,seq,usec,flags;text") rewritten as dmesg prints
 * them ("[    1.234567] text"), so live and bundle proofs read the same. */
static int read_kmsg(struct strbuf *out)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	char rec[8192 + 1];

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		unsigned long long usec = 0;
		char *semi, *text, *nl;

		if (n < 0 && errno == EPIPE)
			continue; /* overwritten record: go on with the next */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		semi = strchr(rec, ';');
		if (!semi)
			continue;
		sscanf(rec, "%*u,%*u,%llu", &usec);
		text = semi + 1;
		nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		strbuf_addf(out, "[%5llu.%06llu] %s\n", usec / 1000000, usec % 1000000, text);
	}
	close(fd);
	if (out->len == 0) {
		/* No /dev/kmsg records (old kernel, restricted): the syslog call. */
		int size = klogctl(10, NULL, 0);
		if (size > 0) {
			strbuf_grow(out, (size_t)size);
			int got = klogctl(3, out->buf, size);
			if (got > 0)
				out->len = (size_t)got;
			out->buf[out->len] = '\0';
		}
	}
	return out->len ? 0 : -ENODATA;
}

/* Scans a log that is a file under the root (a bundle) or bytes captured
 * live, and records it for `report` under bundle_path. */
static void scan_source(struct sysroot *sr, struct ev_source *s, const char *bundle_path,
			const struct strbuf *live, const char *const anchors[], logscan_fn fn,
			void *data)
{
	struct logscan_stats st;

	if (live) {
		logscan_buf(live->buf, live->len, anchors, fn, data, &st);
		sysroot_record(sr, bundle_path, REC_DATA, live->buf, live->len);
	} else {
		int fd = sysroot_openat(sr, bundle_path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
		if (fd < 0) {
			s->err = fd;
			return;
		}
		s->err = logscan_fd(fd, anchors, fn, data, &st);
		close(fd);
		sysroot_record(sr, bundle_path, REC_FILE, NULL, 0);
		if (s->err < 0)
			return;
	}
	s->present = true;
	if (st.long_lines || st.nul_lines) {
		struct strbuf n = STRBUF_INIT;
		if (st.long_lines)
			strbuf_addf(&n, "%ld line(s) over %u KiB skipped (first at line %ld)",
				    st.long_lines, LOGSCAN_LINE_MAX / 1024, st.first_long_line);
		if (st.nul_lines)
			strbuf_addf(&n, "%s%ld line(s) hold NUL bytes (binary data?)",
				    n.len ? "; " : "", st.nul_lines);
		s->note = strbuf_detach(&n);
	}
}

void collect_dmesg(struct sysroot *sr, struct evidence *ev)
{
	struct ev_source *s = &ev->src[SRC_DMESG];
	struct dmesg_ctx c = { ev, "dmesg", 0 };
	struct strbuf live = STRBUF_INIT;

	s->name = "dmesg";
	ev->pat_wc_index = -1;
	if (sr->live) {
		s->path = "/dev/kmsg";
		s->err = read_kmsg(&live);
		if (s->err == 0)
			scan_source(sr, s, "commands/dmesg.txt", &live, dmesg_anchors, on_dmesg_line, &c);
	} else {
		s->path = "commands/dmesg.txt";
		scan_source(sr, s, s->path, NULL, dmesg_anchors, on_dmesg_line, &c);
	}
	strbuf_release(&live);
}

/* --- Xen console --- */

static const char *const xen_anchors[] = {
	"parameter \"", "I/O virtualisation", "Hardware Assisted Paging", "Panic on CPU",
	"must be enabled for PVH", "Error creating d", "Command line:", NULL,
};

static void on_xen_line(void *data, const char *line, size_t len, long no)
{
	struct dmesg_ctx *c = data;
	struct evidence *ev = c->ev;
	const char *p;

	if (find_sub(line, len, "Command line:")) {
		char *v = rest_after(line, len, "Command line:");
		size_t old = c->params_pending;
		/* Xen complains about its parameters before it prints the command
		 * line (the complaint is the first line of `xl dmesg`), so the
		 * complaints since the previous "Command line:" belong to this
		 * boot; older ones (a multi-boot hypervisor.log) are history. */
		for (size_t i = 0; i < old; i++) {
			free(ev->xen_params[i].name);
			free(ev->xen_params[i].value);
			ev_item_free(&ev->xen_params[i].proof);
		}
		memmove(ev->xen_params, ev->xen_params + old,
			(ev->n_xen_params - old) * sizeof(ev->xen_params[0]));
		ev->n_xen_params -= old;
		c->params_pending = ev->n_xen_params;
		ev_item_free(&ev->xen_panic);
		ev_item_set(&ev->xen_console_cmdline, v, c->source, no, line, len);
		free(v);
	} else if ((p = find_sub(line, len, "parameter \""))) {
		const char *name = p + 11, *end = line + len;
		const char *q = memchr(name, '"', (size_t)(end - name));
		struct ev_xen_param *xp;

		if (!q || ev->n_xen_params >= EV_MAX_LIST)
			return;
		xp = &ev->xen_params[ev->n_xen_params];
		memset(xp, 0, sizeof(*xp));
		if (find_sub(q, (size_t)(end - q), "unknown")) {
			xp->unknown = true;
		} else {
			const char *v = find_sub(q, (size_t)(end - q), "value \"");
			const char *vq = v ? memchr(v + 7, '"', (size_t)(end - v - 7)) : NULL;
			if (!vq)
				return;
			xp->value = xstrndup(v + 7, (size_t)(vq - v - 7));
		}
		xp->name = xstrndup(name, (size_t)(q - name));
		ev_item_set(&xp->proof, xp->name, c->source, no, line, len);
		ev->n_xen_params++;
	} else if (find_sub(line, len, "I/O virtualisation")) {
		ev_item_set(&ev->iommu_state, find_sub(line, len, "disabled") ? "disabled" : "enabled",
			    c->source, no, line, len);
	} else if (find_sub(line, len, "Hardware Assisted Paging (HAP)")) {
		ev_item_set(&ev->hap_state, find_sub(line, len, "not detected") ? "not detected" : "detected",
			    c->source, no, line, len);
	} else if (find_sub(line, len, "must be enabled for PVH") || find_sub(line, len, "Error creating d")) {
		ev_item_set(&ev->xen_panic, "panic", c->source, no, line, len);
	} else if (find_sub(line, len, "Panic on CPU") && !ev->xen_panic.found) {
		ev_item_set(&ev->xen_panic, "panic", c->source, no, line, len);
	}
}

/* The xl binary: XCP-ng has /usr/sbin/xl; Debian a wrapper there and the
 * real one under /usr/lib/xen-VERSION/bin. */
const char *xl_path(void)
{
	static const char *const fixed[] = { "/usr/sbin/xl", "/sbin/xl", "/usr/lib/xen/bin/xl",
					     "/usr/lib64/xen/bin/xl", NULL };
	static char found[256];
	const char *p = exec_find(fixed);
	glob_t g;

	if (p)
		return p;
	if (glob("/usr/lib/xen-*/bin/xl", 0, NULL, &g) == 0 && g.gl_pathc > 0) {
		snprintf(found, sizeof(found), "%s", g.gl_pathv[g.gl_pathc - 1]);
		globfree(&g);
		return found;
	}
	return NULL;
}

int run_xl(const char *verb, struct strbuf *out)
{
	const char *xl = xl_path();
	const char *argv[] = { xl, verb, NULL };
	int status = 0;
	const char *env = getenv("DOM0CUDA_XL_TIMEOUT");
	int timeout_ms = XL_TIMEOUT_MS;
	int r;

	if (env) {
		char *end;
		long s = strtol(env, &end, 10);
		if (*env && !*end && s >= 1 && s <= 600)
			timeout_ms = (int)s * 1000;
	}
	if (!xl)
		return -ENOENT;
	r = exec_capture(argv, timeout_ms, XL_MAX_OUTPUT, out, &status);
	if (r < 0)
		return r;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -EIO;
	return 0;
}

void collect_xen_console(struct sysroot *sr, struct evidence *ev)
{
	struct ev_source *s = &ev->src[SRC_XL_DMESG], *h = &ev->src[SRC_HV_LOG];
	struct dmesg_ctx c = { ev, "xl dmesg", 0 };
	struct strbuf live = STRBUF_INIT;

	s->name = "xl dmesg";
	h->name = "/var/log/xen/hypervisor.log";
	h->path = "/var/log/xen/hypervisor.log";
	if (sr->live) {
		s->path = "xl dmesg";
		s->err = run_xl("dmesg", &live);
		if (s->err == 0)
			scan_source(sr, s, "commands/xl-dmesg.txt", &live, xen_anchors, on_xen_line, &c);
	} else {
		s->path = "commands/xl-dmesg.txt";
		scan_source(sr, s, s->path, NULL, xen_anchors, on_xen_line, &c);
	}
	strbuf_release(&live);
	/* The ring wraps on a busy host; XCP-ng keeps the console in a file too. */
	if (!ev->xen_console_cmdline.found) {
		struct dmesg_ctx hc = { ev, "/var/log/xen/hypervisor.log", 0 };
		scan_source(sr, h, h->path, NULL, xen_anchors, on_xen_line, &hc);
	}
}
