#include <string.h>

#include "render/render.h"

const char *render_sev_color(enum severity s, bool color)
{
	static const char *const colors[] = { "\033[32m", "\033[36m", "\033[33m", "\033[31;1m" };
	return color ? colors[s] : "";
}

const char *render_reset(bool color)
{
	return color ? "\033[0m" : "";
}

void render_finding_text(struct strbuf *out, const struct finding *f, const struct render_opts *o)
{
	static const char *const label[] = { "PASS", "INFO", "WARN", "FAIL" };

	strbuf_addf(out, "  %s%-4s%s  %-24s %s\n", render_sev_color(f->sev, o->color), label[f->sev],
		    render_reset(o->color), f->id, f->summary);
	for (size_t i = 0; i < f->nproof; i++) {
		const struct proof *p = &f->proof[i];
		if (p->line > 0)
			strbuf_addf(out, "        proof: %s:%ld: %s\n", p->source, p->line, p->text);
		else
			strbuf_addf(out, "        proof: %s: %s\n", p->source, p->text);
	}
	if (f->hint && f->sev != SEV_PASS)
		strbuf_addf(out, "        hint:  %s\n", f->hint);
}

void render_host_line(struct strbuf *out, const struct evidence *ev)
{
	const char *sep = "";

	if (ev->product.found) {
		strbuf_addstr(out, ev->product.value);
		sep = " · ";
	} else if (ev->os_release.found) {
		strbuf_addstr(out, ev->os_release.value);
		sep = " · ";
	}
	if (ev->xen_version.found) {
		strbuf_addf(out, "%sXen %s", sep, ev->xen_version.value);
		sep = " · ";
	}
	if (ev->guest_type.found && ev->control_d.found) {
		strbuf_addf(out, "%sdom0 %s", sep, ev->guest_type.value);
		sep = " · ";
	}
	if (ev->kernel_release.found) {
		strbuf_addf(out, "%skernel %s", sep, ev->kernel_release.value);
		sep = " · ";
	}
	strbuf_addf(out, "%s%zu NVIDIA GPU%s", sep, ev->n_gpus, ev->n_gpus == 1 ? "" : "s");
}

static void render_sources_text(struct strbuf *out, const struct evidence *ev)
{
	strbuf_addstr(out, "\nSources:\n");
	for (size_t i = 0; i < SRC__COUNT; i++) {
		const struct ev_source *s = &ev->src[i];
		if (!s->name)
			continue;
		strbuf_addf(out, "  %-30s %-36s %s%s%s\n", s->name, s->path ? s->path : "",
			    s->present ? "read" : s->err ? strerror(-s->err) : "not needed", s->note ? "; " : "",
			    s->note ? s->note : "");
	}
}

void render_check_text(struct strbuf *out, const struct evidence *ev, const struct findings *f,
		       const struct render_opts *o)
{
	static const char *const verdict_color[] = { "\033[32;1m", "\033[33;1m", "\033[31;1m", "\033[35;1m" };

	if (o->verbosity > 0) {
		strbuf_addstr(out, "dom0cuda check: ");
		render_host_line(out, ev);
		if (strcmp(o->root, "/") != 0)
			strbuf_addf(out, " (from %s)", o->root);
		strbuf_addstr(out, "\n\n");
		for (size_t i = 0; i < f->n; i++)
			render_finding_text(out, &f->v[i], o);
		if (o->verbosity > 1)
			render_sources_text(out, ev);
		strbuf_addch(out, '\n');
	}
	strbuf_addf(out, "Verdict: %s%s%s: %s\n", o->color ? verdict_color[f->verdict] : "",
		    verdict_name(f->verdict), render_reset(o->color), f->reason);
	strbuf_addf(out, "Next:    %s\n", f->next);
}
