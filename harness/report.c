// SPDX-License-Identifier: GPL-2.0
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "env.h"
#include "noise.h"
#include "peak.h"
#include "oracle.h"
#include "parse.h"
#include "timer.h"
#include "tool.h"
#include "workload.h"

const char *const dmab_phase_names[DMAB_PHASE_COUNT] = {
#define DMAB_PHASE_NAME(sym, name) name,
	DMAB_PHASE_LIST(DMAB_PHASE_NAME)
#undef DMAB_PHASE_NAME
};

#define COUNT(x) json_integer((json_int_t)(x))

static json_t *summary_json(const struct dmab_summary *s)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f}",
			 "n", (json_int_t)s->n, "min_ns", (json_int_t)s->min_ns,
			 "p50_ns", (json_int_t)s->p50_ns, "p90_ns", (json_int_t)s->p90_ns,
			 "p99_ns", (json_int_t)s->p99_ns, "p999_ns", (json_int_t)s->p999_ns,
			 "max_ns", (json_int_t)s->max_ns, "mean_ns", s->mean_ns,
			 "stddev_ns", s->stddev_ns);
}

/* MB/s (10^6 bytes a second) from a median in ns. */
static double mbps(uint64_t bytes, uint64_t ns)
{
	return ns ? (double)bytes * 1e3 / (double)ns : 0;
}

static const char *integrity_checked_by(const struct dmab_cell *c)
{
	if (c->workload->checked_by)
		return c->workload->checked_by;
	if (!c->pattern)
		return "device";
	if (c->pattern->check == DMAB_CHECK_NONE)
		return "none";
	return c->pattern->check == DMAB_CHECK_COPY ? "cpu-copy" : "cpu";
}

static json_t *integrity_json(const struct dmab_cell *c)
{
	const struct dmab_integrity *in = &c->integrity;
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:s, s:s}",
			      "frames_checked", (json_int_t)in->frames_checked,
			      "lines_checked", (json_int_t)in->lines_checked,
			      "stale_lines", (json_int_t)in->stale_lines,
			      "corrupt_lines", (json_int_t)in->corrupt_lines,
			      "verdict", dmab_integrity_verdict(in),
			      "checked_by", integrity_checked_by(c));

	json_object_set_new(o, "line_bytes", COUNT(c->line));
	if (c->workload->own_buffers)
		json_object_set_new(o, "note", json_string("the first touch's word in each page "
							   "(line_bytes: the page), read back by "
							   "the CPU before the buffer is freed"));
	if (c->pattern && c->pattern->check == DMAB_CHECK_NONE)
		json_object_set_new(o, "note", json_string("the CPU pattern overwrites the "
							   "frame, so there is nothing to check"));
	return o;
}

static json_t *pacing_json(const struct dmab_run *run, const struct dmab_cell *c)
{
	if (!run->opt.fps)
		return json_null();
	return json_pack("{s:f, s:I, s:I, s:f, s:I, s:I}", "fps", run->opt.fps,
			 "period_ns", (json_int_t)(1e9 / run->opt.fps),
			 "deadline_misses", (json_int_t)c->deadline_misses,
			 "jitter_ns", c->lateness_summary.stddev_ns,
			 "lateness_p99_ns", (json_int_t)c->lateness_summary.p99_ns,
			 "lateness_max_ns", (json_int_t)c->lateness_summary.max_ns);
}

static json_t *device_json(const struct dmab_cell *c)
{
	const struct dmab_device *d = c->strategy->device;
	json_t *o;

	if (!c->workload->uses_device || !d)
		return json_null();
	o = json_pack("{s:s, s:b, s:s}", "name", d->name, "emulated", d->emulated,
		      "description", d->describe());
	/* the device's phases time the emulation, which is no cost of the strategy */
	if (d->emulated)
		json_object_set_new(o, "emulation_note",
				    json_string("device_write, device_read and device_busy time "
						"the emulated device (a CPU thread or the module's "
						"memcpy), not a DMA engine; cpu_cost leaves them out"));
	return o;
}

/* One entry per repetition: its frames and its medians per phase. */
static json_t *repetitions_json(const struct dmab_cell *c)
{
	json_t *a = json_array();
	unsigned int i, p;

	for (i = 0; i < c->n_reps; i++) {
		const struct dmab_repetition *r = &c->reps[i];
		json_t *p50 = json_object();

		for (p = 0; p < DMAB_PHASE_COUNT; p++)
			if ((c->workload->phases & (1u << p)) && r->p50_ns[p] != UINT64_MAX)
				json_object_set_new(p50, dmab_phase_names[p], COUNT(r->p50_ns[p]));
		json_array_append_new(a, json_pack("{s:I, s:s, s:f, s:o}", "n", (json_int_t)r->n,
						   "stop_reason", r->stop_reason, "elapsed_s",
						   r->elapsed_s, "p50_ns", p50));
	}
	return a;
}

static json_t *string_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

/* One phase of one event: its total over the counted frames, per frame, per byte. */
static json_t *counter_phase_json(const struct dmab_cell *c, int slot, unsigned int p)
{
	uint64_t total, frames = c->counts.frames;
	double share;
	int ret = dmab_cell_counts_total(&c->counts, slot, p, &total, &share);

	if (ret || !frames)
		return json_pack("{s:n, s:n, s:n, s:f}", "total", "per_frame", "per_byte",
				 "running_share", share);
	return json_pack("{s:I, s:f, s:f, s:f}", "total", (json_int_t)total,
			 "per_frame", (double)total / (double)frames,
			 "per_byte", (double)total / ((double)frames * (double)c->size),
			 "running_share", share);
}

/*
 * One requested event in one result: what it is, why it is not counted or
 * how it was read, and what it counted per phase.
 */
static json_t *counter_json(const struct dmab_cell *c, const struct dmab_event *e)
{
	json_t *o = json_object(), *phases = json_object(), *frame;
	int known = e->encoding[0] != 0, ok = e->status == DMAB_COUNTER_OK && c->counts.set;
	unsigned int p;

	json_object_set_new(o, "event", json_string(e->name));
	json_object_set_new(o, "status", json_string(dmab_counter_status_names[e->status]));
	json_object_set_new(o, "errno", e->err ? COUNT(e->err) : json_null());
	json_object_set_new(o, "errno_name", e->err && dmab_errno_name(e->err) ?
				json_string(dmab_errno_name(e->err)) : json_null());
	json_object_set_new(o, "reason", string_or_null(e->reason));
	json_object_set_new(o, "encoding", string_or_null(e->encoding));
	json_object_set_new(o, "pmu", string_or_null(e->pmu));
	json_object_set_new(o, "perf_type", known ? COUNT(e->attr.type) : json_null());
	json_object_set_new(o, "perf_config", known ? COUNT(e->attr.config) : json_null());
	json_object_set_new(o, "kernel_counted", ok ? json_boolean(e->kernel_counted) :
							json_null());
	json_object_set_new(o, "kernel_note", ok ? string_or_null(e->kernel_note) : json_null());
	json_object_set_new(o, "group", ok ? string_or_null(e->group) : json_null());
	json_object_set_new(o, "group_note", ok ? string_or_null(e->group_note) : json_null());
	json_object_set_new(o, "method", ok ? json_string(dmab_read_method_names[e->method]) :
						json_null());
	json_object_set_new(o, "method_note", ok ? string_or_null(e->method_note) : json_null());
	json_object_set_new(o, "scope", !ok ? json_null() : json_string(e->per_phase ? "phase" :
									 "frames"));
	json_object_set_new(o, "scope_note", ok ? string_or_null(e->scope_note) : json_null());
	json_object_set_new(o, "read_cost_ns", ok ? json_real(e->read_cost_ns) : json_null());
	json_object_set_new(o, "read_errors", COUNT(ok ? e->read_errors : 0));
	json_object_set_new(o, "fallback_reads", ok && e->method == DMAB_READ_RDPMC ?
				COUNT(e->fallback_reads) : json_null());
	if (!ok) {
		json_object_set_new(o, "value", json_null());
		json_object_set_new(o, "per_frame", json_null());
		json_object_set_new(o, "per_byte", json_null());
		json_object_set_new(o, "running_share", json_null());
		json_object_set_new(o, "phases", phases);
		return o;
	}
	if (e->per_phase) {
		for (p = 0; p < DMAB_PHASE_COUNT; p++)
			if (c->counts.phases & (1u << p))
				json_object_set_new(phases, dmab_phase_names[p],
						    counter_phase_json(c, e->slot, p));
		frame = json_incref(json_object_get(phases, "frame"));
	} else {
		frame = NULL;	/* counted over the frames: the frame's figures, no phases */
	}
	if (!frame)	/* or no frame was counted (interrupted after the warm-up) */
		frame = counter_phase_json(c, e->slot, DMAB_PHASE_FRAME);
	json_object_set_new(o, "value", json_deep_copy(json_object_get(frame, "total")));
	json_object_set_new(o, "per_frame", json_deep_copy(json_object_get(frame, "per_frame")));
	json_object_set_new(o, "per_byte", json_deep_copy(json_object_get(frame, "per_byte")));
	json_object_set_new(o, "running_share",
			    json_deep_copy(json_object_get(frame, "running_share")));
	json_object_set_new(o, "phases", phases);
	json_decref(frame);
	return o;
}

/* alloc-fragmented: what each repetition's fill got and what stopped it (run.h) */
static json_t *fragmented_json(const struct dmab_fragmented *f)
{
	json_t *stops = dmab_failures_json(&f->stops);

	if (f->cap_stops)
		json_object_set_new(stops, "cap", json_integer(f->cap_stops));
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
			 "hold_bytes", (json_int_t)f->hold_bytes,
			 "cap_bytes", (json_int_t)f->cap_bytes,
			 "repetitions", (json_int_t)f->reps,
			 "held_min", (json_int_t)f->held_min, "held_max", (json_int_t)f->held_max,
			 "kept_min", (json_int_t)f->kept_min, "kept_max", (json_int_t)f->kept_max,
			 "stopped_by", stops);
}

static json_t *counters_json(const struct dmab_run *run, const struct dmab_cell *c)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < run->counters.n && !c->skipped[0]; i++)
		json_array_append_new(a, counter_json(c, &run->counters.ev[i]));
	return a;
}

/*
 * What reading the counters costs a frame: the median of each frame's own
 * readings (a preemption that lands in one is not the counters' cost; the
 * phases are judged by their medians too), plus the readings around the runs
 * of frames spread over them. Unit: ns; < 0: none read.
 */
static double counter_overhead_ns(const struct dmab_cell *c)
{
	if (!c->counts.set || !c->counts.frames)
		return -1;
	return (double)c->instrument_summary.p50_ns +
	       (double)dmab_ticks_to_ns(c->counts.span_ticks) / (double)c->counts.frames;
}

/* Its two parts: the phase boundaries' median, the readings around the frames. */
static json_t *counter_overhead_by_scope(const struct dmab_cell *c)
{
	const struct dmab_counters *cs = c->counts.set;

	if (!cs || !c->counts.frames)
		return json_null();
	return json_pack("{s:o, s:o}", "phase", cs->n_phase_units ?
			 json_real((double)c->instrument_summary.p50_ns) : json_null(),
			 "frames", cs->n_span_units ?
			 json_real((double)dmab_ticks_to_ns(c->counts.span_ticks) /
				   (double)c->counts.frames) : json_null());
}

/* The same as a mean over the counted frames, outliers and all. */
static double counter_overhead_mean_ns(const struct dmab_cell *c)
{
	const struct dmab_summary *s = &c->instrument_summary;

	if (!c->counts.set || !c->counts.frames)
		return -1;
	return (s->mean_ns * (double)s->n + (double)dmab_ticks_to_ns(c->counts.span_ticks)) /
	       (double)c->counts.frames;
}

/*
 * The per-frame samples a significance test needs, per phase: all of them up
 * to DMAB_SAMPLES_CAP, else that many evenly spread in recording order.
 */
static json_t *samples_json(const struct dmab_cell *c)
{
	json_t *phases = json_object();
	unsigned int p;
	int decimated = 0;

	for (p = 0; p < DMAB_PHASE_COUNT; p++) {
		const struct dmab_samples *k = &c->kept[p];
		json_t *ns;
		size_t i;

		if (!(c->workload->phases & (1u << p)) || !c->summary[p].n || !k->n)
			continue;
		ns = json_array();
		for (i = 0; i < k->n; i++)
			json_array_append_new(ns, COUNT(k->ns[i]));
		decimated |= k->n < c->summary[p].n;
		json_object_set_new(phases, dmab_phase_names[p],
				    json_pack("{s:I, s:I, s:f, s:o}", "n",
					      (json_int_t)c->summary[p].n, "kept", (json_int_t)k->n,
					      "stride", (double)c->summary[p].n / (double)k->n,
					      "ns", ns));
	}
	return json_pack("{s:I, s:s, s:o}", "cap", (json_int_t)DMAB_SAMPLES_CAP, "method",
			 decimated ? "even" : "all", "phases", phases);
}

/*
 * Which of the machine's peak bandwidths (environment.peak_mbps) a cpu-access
 * pattern is judged against: what it does to each byte. NULL: none.
 */
static int peak_op_of(const struct dmab_pattern *p, const char **note)
{
	*note = NULL;
	if (!p)
		return -1;
	if (!strcmp(p->name, "write"))
		return DMAB_PEAK_WRITE;
	if (!strcmp(p->name, "memcpy"))
		return DMAB_PEAK_COPY;
	if (!strcmp(p->name, "rmw")) {
		*note = "rmw reads and writes every byte in place: judged against copy";
		return DMAB_PEAK_COPY;
	}
	if (strcmp(p->name, "read"))
		*note = "reads a part of each line, or byte by byte: judged against read, whose "
			"kernel loads every byte with the widest loads";
	return DMAB_PEAK_READ;
}

/* cpu-access: cpu_process's throughput as a share of this machine's peak; else null. */
static json_t *peak_share_json(const struct dmab_cell *c)
{
	const struct dmab_peak *peak = dmab_peak_get();
	const char *note;
	int op = peak_op_of(c->pattern, &note);
	uint64_t cpu = c->summary[DMAB_PHASE_CPU_PROCESS].p50_ns;

	if (c->workload != &dmab_workload_cpu_access || op < 0 || peak->unavailable[0] || !cpu ||
	    peak->result[op].median_mbps <= 0)
		return json_null();
	return json_pack("{s:s, s:f, s:f, s:s?}", "peak", peak->result[op].op, "peak_mbps",
			 peak->result[op].median_mbps, "pct",
			 100 * mbps(c->size, cpu) / peak->result[op].median_mbps, "note", note);
}

/* The phases cpu_cost sums, in the order of the phases. */
static json_t *cost_phases_json(const struct dmab_workload *w)
{
	json_t *a = json_array();
	unsigned int p;

	for (p = 0; p < DMAB_PHASE_COUNT; p++)
		if (w->cost_phases & (1u << p))
			json_array_append_new(a, json_string(dmab_phase_names[p]));
	return a;
}

/* An interrupt came before the cell's first recorded frame (stop_reason not_started). */
static int cell_not_started(const struct dmab_cell *c)
{
	return !c->skipped[0] && !c->summary[DMAB_PHASE_FRAME].n;
}

static json_t *cell_json(const struct dmab_run *run, const struct dmab_cell *c)
{
	const struct dmab_summary *cpu = &c->summary[DMAB_PHASE_CPU_PROCESS];
	json_t *r = json_object(), *phases = json_object(), *tp = json_object();
	/* a configuration that never started is listed as skipped, saying why */
	const char *skipped = cell_not_started(c) ? "not started: the run was interrupted "
						   "before its first recorded frame" : c->skipped;
	double overhead;
	unsigned int p;

	json_object_set_new(r, "strategy", json_string(c->strategy->name));
	json_object_set_new(r, "backend", json_string(c->strategy->backend));
	json_object_set_new(r, "workload", json_string(c->workload->name));
	json_object_set_new(r, "pattern", c->pattern ? json_string(c->pattern->name) : json_null());
	json_object_set_new(r, "size_bytes", COUNT(c->size));
	json_object_set_new(r, "ring", COUNT(c->ring));
	json_object_set_new(r, "frames", COUNT(c->summary[DMAB_PHASE_FRAME].n));
	json_object_set_new(r, "mapping",
			    json_pack("{s:s, s:s?, s:s?}", "requested", c->strategy->mapping,
				      "effective", c->mapping_effective, "how",
				      c->mapping_how));
	json_object_set_new(r, "handover", json_string(c->strategy->handover));
	json_object_set_new(r, "handover_done",
			    c->done_for_device || c->done_for_cpu ?
			    json_pack("{s:s?, s:s?}", "sync_for_device", c->done_for_device,
				      "sync_for_cpu", c->done_for_cpu) : json_null());
	json_object_set_new(r, "counters", skipped[0] ? json_array() : counters_json(run, c));
	if (c->workload->own_buffers)
		json_object_set_new(r, "alloc_failures", dmab_failures_json(&c->failures));
	if (c->workload->prepare)
		json_object_set_new(r, "fragmented", fragmented_json(&c->fragmented));
	if (c->workload->not_measured)
		json_object_set_new(r, "not_measured", json_string(c->workload->not_measured));
	if (skipped[0]) {
		json_object_set_new(r, "skipped", json_string(skipped));
		json_object_set_new(r, "failed", json_boolean(c->failed));
		if (cell_not_started(c)) {
			json_object_set_new(r, "complete", json_false());
			json_object_set_new(r, "stop_reason", json_string("not_started"));
		}
		json_object_set_new(r, "phases", phases);
		json_object_set_new(r, "throughput_mbps", json_null());
		json_object_set_new(r, "integrity", json_null());
		json_object_set_new(r, "samples", json_null());
		json_object_set_new(r, "repetitions", json_array());
		json_decref(tp);
		return r;
	}
	json_object_set_new(r, "skipped", json_null());
	json_object_set_new(r, "complete", json_boolean(c->stop_reason &&
							 strcmp(c->stop_reason, "interrupted")));
	json_object_set_new(r, "stop_reason",
			    json_string(c->stop_reason ? c->stop_reason : "not_started"));
	json_object_set_new(r, "warmup_frames", COUNT(c->warmup_frames));
	json_object_set_new(r, "elapsed_s", json_real(c->elapsed_s));
	json_object_set_new(r, "device", device_json(c));
	for (p = 0; p < DMAB_PHASE_COUNT; p++) {
		if (!(c->workload->phases & (1u << p)) || !c->summary[p].n)
			continue;
		json_object_set_new(phases, dmab_phase_names[p], summary_json(&c->summary[p]));
		if (p == DMAB_PHASE_CPU_COST || p == DMAB_PHASE_CPU_PROCESS ||
		    p == DMAB_PHASE_FRAME || p == DMAB_PHASE_REFERENCE_READ)
			json_object_set_new(tp, dmab_phase_names[p],
					    json_real(mbps(c->size, c->summary[p].p50_ns)));
	}
	json_object_set_new(r, "phases", phases);
	json_object_set_new(r, "cost_phases", cost_phases_json(c->workload));
	json_object_set_new(r, "repetitions", repetitions_json(c));
	json_object_set_new(r, "throughput_mbps", tp);
	json_object_set_new(r, "of_peak", peak_share_json(c));
	json_object_set_new(r, "timestamp_overhead_pct",
			    cpu->p50_ns ? json_real(100.0 * dmab_timer.overhead_ns /
						    (double)cpu->p50_ns) : json_null());
	overhead = counter_overhead_ns(c);
	json_object_set_new(r, "counter_overhead_ns", overhead >= 0 ? json_real(overhead) :
						      json_null());
	json_object_set_new(r, "counter_overhead_pct", overhead >= 0 && cpu->p50_ns ?
			    json_real(100.0 * overhead / (double)cpu->p50_ns) : json_null());
	overhead = counter_overhead_mean_ns(c);
	json_object_set_new(r, "counter_overhead_mean_ns", overhead >= 0 ? json_real(overhead) :
							   json_null());
	json_object_set_new(r, "counter_overhead_by_scope", counter_overhead_by_scope(c));
	json_object_set_new(r, "integrity", integrity_json(c));
	json_object_set_new(r, "pacing", pacing_json(run, c));
	json_object_set_new(r, "samples", samples_json(c));
	return r;
}

/* A list of the repetition medians of @c's headline, for noise_floor. */
static json_t *headline_medians_json(const struct dmab_cell *c)
{
	unsigned int p = dmab_workload_headline(c->workload), i;
	json_t *a = json_array();

	for (i = 0; i < c->n_reps; i++)
		if (c->reps[i].p50_ns[p] != UINT64_MAX)
			json_array_append_new(a, COUNT(c->reps[i].p50_ns[p]));
	return a;
}

/* null, with the reason under the table, when none was measured. */
static json_t *noise_floor_json(const struct dmab_run *run)
{
	struct dmab_noise_floor nf;
	json_t *groups, *o;
	size_t i;

	if (dmab_noise_floor(run, &nf))
		return json_null();
	groups = json_array();
	for (i = 0; i < nf.n; i++) {
		const struct dmab_noise_group *g = &nf.group[i];
		const struct dmab_cell *a = &run->cells[g->a], *b = &run->cells[g->b];

		json_array_append_new(groups,
				      json_pack("{s:s, s:I, s:s, s:s, s:o, s:o, s:o, s:f, s:[f, f], "
						"s:f}", "workload", a->workload->name,
						"size_bytes", (json_int_t)a->size,
						"strategy", a->strategy->name,
						"backend", a->strategy->backend,
						"pattern", a->pattern ? json_string(a->pattern->name) :
						json_null(),
						"a_p50_ns", headline_medians_json(a),
						"b_p50_ns", headline_medians_json(b),
						"ratio", g->ratio, "ci95", g->ci_low, g->ci_high,
						"floor_pct", g->floor_pct));
	}
	o = dmab_report_noise_floor_object(groups, nf.worst_pct);
	dmab_noise_floor_free(&nf);
	return o;
}

json_t *dmab_report_noise_floor_object(json_t *groups, double worst_pct)
{
	return json_pack("{s:s, s:s, s:o, s:f}", "metric", "cpu_cost", "method",
			 "A/A: per workload and size, the first configuration that runs here is "
			 "measured twice, as two independent configurations interleaved with the "
			 "others (fresh buffers each repetition); ratio: the median of B's "
			 "repetition medians over A's; ci95: percentile bootstrap over repetitions "
			 "(fixed seed); floor_pct: 100 x the end of ci95 farther from 1",
			 "groups", groups, "worst_pct", worst_pct);
}

json_t *dmab_report_cell_now(const struct dmab_run *run, const struct dmab_cell *c)
{
	struct dmab_cell now = *c;
	json_t *r;
	unsigned int p;

	/* the summaries are made once, when the run ends (cell_finish); until then, here */
	for (p = 0; p < DMAB_PHASE_COUNT; p++)
		if (c->samples[p].n)
			dmab_summarize(&c->samples[p], &now.summary[p]);
	if (c->lateness.n)
		dmab_summarize(&c->lateness, &now.lateness_summary);
	if (c->instrument.n)
		dmab_summarize(&c->instrument, &now.instrument_summary);
	memset(now.kept, 0, sizeof(now.kept));
	r = cell_json(run, &now);
	json_object_del(r, "samples");
	return r;
}

json_t *dmab_report_json(const struct dmab_run *run, json_t *env, json_t *config)
{
	json_t *results = json_array(), *root;
	size_t i;

	for (i = 0; i < run->n_cells; i++)
		if (!run->cells[i].aa_twin)
			json_array_append_new(results, cell_json(run, &run->cells[i]));
	root = json_pack("{s:i, s:{s:s, s:s, s:s}, s:s, s:f, s:b, s:o, s:o, s:o, s:o}",
			 "schema_version", DMAB_SCHEMA_VERSION,
			 "tool", "name", DMAB_NAME, "version", DMAB_VERSION, "git", DMAB_GIT,
			 "started_utc", run->started_utc, "duration_s", run->duration_s,
			 "interrupted", run->interrupted, "environment", env, "config", config,
			 "noise_floor", noise_floor_json(run), "results", results);
	if (root && run->quota_wait_s > 0)
		json_object_set_new(root, "quota_wait_s", json_real(run->quota_wait_s));
	return root;
}

static void print_us(FILE *out, const struct dmab_cell *c, enum dmab_phase p)
{
	if (!(c->workload->phases & (1u << p)) || !c->summary[p].n)
		fprintf(out, " %9s", "-");
	else
		fprintf(out, " %9.2f", (double)c->summary[p].p50_ns / 1e3);
}

/* A number in a few characters: 1234567, 12.3, 0.00123. */
static void print_short(FILE *out, double v)
{
	if (v == 0 || v >= 100)
		fprintf(out, "%.0f", v);
	else if (v >= 0.1)
		fprintf(out, "%.2f", v);
	else
		fprintf(out, "%.3g", v);
}

/* Which events count and how they are read, what is missing and why: once. */
static void report_counter_setup(FILE *out, const struct dmab_counters *cs)
{
	size_t i, k;
	int any = 0;

	for (i = 0; i < cs->n; i++) {
		const struct dmab_event *e = &cs->ev[i];

		if (e->status != DMAB_COUNTER_OK)
			continue;
		fprintf(out, "%s%s", any ? ", " : "counters ok: ", e->name);
		any = 1;
	}
	if (any) {
		fprintf(out, "; ");
		for (i = 0; i < cs->n_units; i++) {
			const struct dmab_read_unit *u = &cs->unit[i];
			const struct dmab_event *e = &cs->ev[cs->slot_event[u->first]];

			if (u->grouped)
				fprintf(out, "%sthe %s group by %s", i ? ", " : "", e->group,
					u->method == DMAB_READ_RDPMC ? "rdpmc" : "one read()");
			else
				fprintf(out, "%s%s by %s", i ? ", " : "", e->name,
					u->method == DMAB_READ_RDPMC ? "rdpmc" : "read()");
			fprintf(out, " (%.2f us, %s)", u->cost_ns / 1e3,
				u->per_phase ? "at every phase boundary" : "around the frames");
		}
		if (cs->n_phase_units)
			fprintf(out, "; one phase-boundary reading %.2f us, measured at start\n",
				cs->phase_read_cost_ns / 1e3);
		else
			fprintf(out, "; nothing is read per phase\n");
		for (i = 0; i < cs->n; i++)
			if (cs->ev[i].status == DMAB_COUNTER_OK && !cs->ev[i].kernel_counted) {
				fprintf(out, "counters: the kernel is not counted (%s)\n",
					cs->ev[i].kernel_note);
				break;
			}
		if (cs->group_note[0])
			fprintf(out, "counters: %s\n", cs->group_note);
	}
	/* the unavailable ones, grouped by the same status and reason */
	for (i = 0; i < cs->n; i++) {
		const struct dmab_event *e = &cs->ev[i];

		if (e->status == DMAB_COUNTER_OK)
			continue;
		for (k = 0; k < i; k++)
			if (cs->ev[k].status == e->status && !strcmp(cs->ev[k].reason, e->reason))
				break;
		if (k < i)
			continue;
		fprintf(out, "counters %s:", dmab_counter_status_names[e->status]);
		for (k = i; k < cs->n; k++)
			if (cs->ev[k].status == e->status && !strcmp(cs->ev[k].reason, e->reason))
				fprintf(out, "%s %s", k == i ? "" : ",", cs->ev[k].name);
		fprintf(out, " (%s)\n", e->reason);
	}
}

/*
 * A line per configuration with what the counters saw: per byte of
 * cpu_process for CPU events (cycles, misses), per frame for the others.
 */
static void report_counters(FILE *out, const struct dmab_run *run)
{
	const struct dmab_counters *cs = &run->counters;
	char size[32];
	size_t i, k;

	if (!cs->n)
		return;
	report_counter_setup(out, cs);
	for (i = 0; i < run->n_cells; i++) {
		const struct dmab_cell *c = &run->cells[i];
		uint64_t cpu = c->summary[DMAB_PHASE_CPU_PROCESS].p50_ns;
		int first = 1;

		if (c->skipped[0] || !c->counts.set || !c->counts.frames || c->aa_twin)
			continue;
		fprintf(out, "counters %s %s %s %s %s:", c->strategy->name, c->strategy->backend,
			c->workload->name, c->pattern ? c->pattern->name : "-",
			dmab_format_size(c->size, size, sizeof(size)));
		for (k = 0; k < cs->n; k++) {
			const struct dmab_event *e = &cs->ev[k];
			int per_byte = e->per_phase && e->attr.type != PERF_TYPE_SOFTWARE &&
				       (c->counts.phases & DMAB_PHASE_BIT(CPU_PROCESS));
			unsigned int p = per_byte ? DMAB_PHASE_CPU_PROCESS : DMAB_PHASE_FRAME;
			uint64_t total;
			double share;

			if (e->status != DMAB_COUNTER_OK)
				continue;
			fprintf(out, "%s %s ", first ? "" : ",", e->name);
			first = 0;
			if (dmab_cell_counts_total(&c->counts, e->slot, p, &total, &share)) {
				fprintf(out, "never on the PMU");
				continue;
			}
			if (per_byte) {
				print_short(out, (double)total / ((double)c->counts.frames *
								 (double)c->size));
				fprintf(out, "/B in cpu_process");
			} else {
				print_short(out, (double)total / (double)c->counts.frames);
				fprintf(out, "/frame");
			}
			if (share < 1)
				fprintf(out, " (scaled: counted %.0f%% of the time)", 100 * share);
		}
		fprintf(out, "; counter reads %.2f us a frame", counter_overhead_ns(c) / 1e3);
		if (cpu)
			fprintf(out, " (%.1f%% of cpu_process)", 100 * counter_overhead_ns(c) /
				(double)cpu);
		fprintf(out, ", mean %.2f us\n", counter_overhead_mean_ns(c) / 1e3);
	}
}

/*
 * Under the table: what CPU COST is, the repetitions, the noise floor, and
 * whose time the device columns are.
 */
static void report_method(FILE *out, const struct dmab_run *run)
{
	struct dmab_noise_floor nf;
	size_t i, emulated = 0, own = 0;
	char size[32];

	for (i = 0; i < run->n_cells; i++) {
		const struct dmab_cell *c = &run->cells[i];

		emulated += !c->skipped[0] && c->workload->uses_device && c->strategy->device &&
			    c->strategy->device->emulated;
		own += c->workload->own_buffers;
	}
	fprintf(out, "CPU COST: what the strategy costs the consumer's CPU per frame (capture: "
		"sync_dev + sync_cpu + cpu; playback: the CPU's write (cpu) + sync_dev%s); medians "
		"over %u repetition%s, each with fresh buffers\n",
		own ? "; alloc, alloc-atomic: the whole get-and-give-back, alloc_map + first_touch + "
		"sync_dev + sync_cpu + unmap_free" : "", run->repeat, run->repeat == 1 ? "" : "s");
	if (emulated)
		fprintf(out, "dev_write, dev_read and dev_busy of an emulated device time the "
			"emulation (a CPU thread, or the module's memcpy), not a DMA engine: they "
			"are not in CPU COST\n");
	/* a twin is not in the results: what went wrong with one is said here */
	for (i = 1; i < run->n_cells; i++) {
		const struct dmab_cell *c = &run->cells[i];

		if (!c->aa_twin)
			continue;
		if (c->failed)
			fprintf(out, "noise floor %s %s: the A/A twin of %s %s failed: %s\n",
				c->workload->name, dmab_format_size(c->size, size, sizeof(size)),
				c->strategy->name, c->strategy->backend, c->skipped);
		else if (dmab_cell_integrity_failed(c) && !dmab_cell_integrity_failed(c - 1))
			fprintf(out, "noise floor %s %s: the A/A twin of %s %s saw %s data its "
				"original did not (exit 1)\n", c->workload->name,
				dmab_format_size(c->size, size, sizeof(size)), c->strategy->name,
				c->strategy->backend, dmab_integrity_verdict(&c->integrity));
	}
	if (dmab_noise_floor(run, &nf)) {
		fprintf(out, "noise floor: not measured (%s)\n", nf.why);
		return;
	}
	for (i = 0; i < nf.n; i++) {
		const struct dmab_noise_group *g = &nf.group[i];
		const struct dmab_cell *a = &run->cells[g->a];

		fprintf(out, "noise floor %s %s: +-%.1f%% (A/A: %s %s %s run twice as independent "
			"configurations; cpu_cost ratio %.3f, 95%% CI %.3f-%.3f)\n",
			a->workload->name, dmab_format_size(a->size, size, sizeof(size)),
			g->floor_pct, a->strategy->name, a->strategy->backend,
			a->pattern ? a->pattern->name : "-", g->ratio, g->ci_low, g->ci_high);
	}
	dmab_noise_floor_free(&nf);
}

/* alloc-fragmented: the pool the frames met, under the configuration's line */
static void report_fragmented(FILE *out, const struct dmab_fragmented *f)
{
	char hold[32], cap[32], held[32], kept[32], stops[256] = "";
	size_t n = 0;

	dmab_format_size(f->hold_bytes, hold, sizeof(hold));
	dmab_format_size(f->cap_bytes, cap, sizeof(cap));
	dmab_format_span(f->held_min, f->held_max, held, sizeof(held));
	dmab_format_span(f->kept_min, f->kept_max, kept, sizeof(kept));
	if (f->stops.total)
		n = (size_t)dmab_failures_format(&f->stops, stops, sizeof(stops));
	if (f->cap_stops && n < sizeof(stops))
		snprintf(stops + n, sizeof(stops) - n, "%sthe %s cap %u", n ? ", " : "", cap,
			 f->cap_stops);
	if (!f->cap_bytes) {
		fprintf(out, "  in holes: no: one buffer of %s is more than the fill may hold\n", hold);
		return;
	}
	if (f->reps == 1)
		fprintf(out, "  in holes: before the repetition, ");
	else
		fprintf(out, "  in holes: before each of %u repetitions, ", f->reps);
	fprintf(out, "%s buffers of %s got (stopped by %s), every other given back: %s held "
		"through the frames\n", held, hold, stops, kept);
}

/*
 * A line per configuration for what the table's columns leave out: the
 * phases a workload times that have no column (alloc's), and the frames
 * that got no buffer, by errno; then what such a workload does not measure.
 */
static void report_more_phases(FILE *out, const struct dmab_run *run, unsigned int shown)
{
	const struct dmab_workload *said[DMAB_MAX_LIST];
	size_t i, k, n_said = 0;
	char size[32], failures[256];

	for (i = 0; i < run->n_cells; i++) {
		const struct dmab_cell *c = &run->cells[i];
		const struct dmab_workload *w = c->workload;
		unsigned int more = w->phases & ~shown, p;

		if (c->aa_twin || c->failed || (!more && !w->own_buffers) ||
		    (c->skipped[0] && !c->failures.total) ||
		    (!c->skipped[0] && cell_not_started(c)))
			continue;
		fprintf(out, "%s %s %s %s:", w->name, c->strategy->name, c->strategy->backend,
			dmab_format_size(c->size, size, sizeof(size)));
		for (p = 0; p < DMAB_PHASE_COUNT; p++)
			if ((more & (1u << p)) && c->summary[p].n)
				fprintf(out, " %s %.2f us (p99 %.2f),", dmab_phase_names[p],
					(double)c->summary[p].p50_ns / 1e3,
					(double)c->summary[p].p99_ns / 1e3);
		if (w->own_buffers && c->failures.total) {
			dmab_failures_format(&c->failures, failures, sizeof(failures));
			fprintf(out, " no buffer in %llu of %llu attempts (%s)\n",
				(unsigned long long)c->failures.total,
				(unsigned long long)(c->failures.total +
						     c->summary[DMAB_PHASE_FRAME].n), failures);
		} else if (w->own_buffers) {
			fprintf(out, " all %llu attempts got their buffer\n",
				(unsigned long long)c->summary[DMAB_PHASE_FRAME].n);
		} else {
			fprintf(out, "\n");
		}
		if (w->prepare && c->fragmented.reps)
			report_fragmented(out, &c->fragmented);
		for (k = 0; k < n_said && said[k] != w; k++)
			;
		if (k == n_said && n_said < DMAB_MAX_LIST)
			said[n_said++] = w;
	}
	for (k = 0; k < n_said; k++)
		if (said[k]->not_measured)
			fprintf(out, "%s: not measured yet: %s\n", said[k]->name,
				said[k]->not_measured);
}

void dmab_report_table(FILE *out, const struct dmab_run *run)
{
	static const enum dmab_phase cols[] = {
		DMAB_PHASE_CPU_COST, DMAB_PHASE_SYNC_FOR_DEVICE, DMAB_PHASE_DEVICE_WRITE, DMAB_PHASE_DEVICE_READ,
		DMAB_PHASE_DEVICE_BUSY,
		DMAB_PHASE_SYNC_FOR_CPU, DMAB_PHASE_CPU_PROCESS, DMAB_PHASE_FRAME,
	};
	const char *vm_name, *vm_source;
	char size[32];
	size_t i, j, k, not_started = 0;
	int virtualized;

	/* first, before any number: these numbers were made to be wrong */
	if (dmab_inject_any(&run->opt.inject)) {
		char what[512];

		dmab_inject_describe(&run->opt.inject, what, sizeof(what));
		fprintf(out, "%s\n", what);
	}
	if (run->quota_wait_s > 0)
		fprintf(out, "another process held dmabench.ko's bound (max_total_mb) for %.1f s of "
			"this run: it waited, then took turns; if that was a second dmabench run, "
			"both measured on a shared machine\n", run->quota_wait_s);
	fprintf(out, "%-14s %-8s %-10s %-7s %-7s %6s | %9s | %9s %9s %9s %9s %9s %9s %9s | %9s "
		"%9s | %s\n", "strategy", "via", "workload", "pattern", "size", "frames",
		"CPU COST", "sync_dev", "dev_write", "dev_read", "dev_busy", "sync_cpu", "cpu",
		"frame", "cpu MB/s", "frame MB/s", "integrity");
	fprintf(out, "%-14s %-8s %-10s %-7s %-7s %6s | %9s | %69s | %19s |\n", "", "", "", "", "",
		"", "us/frame", "median per phase, microseconds", "from the medians");
	for (i = 0; i < run->n_cells; i++) {
		const struct dmab_cell *c = &run->cells[i];

		if (c->aa_twin)
			continue;
		not_started += cell_not_started(c);
		if ((c->skipped[0] && !c->failed) || cell_not_started(c))
			continue;
		fprintf(out, "%-14s %-8s %-10s %-7s %-7s ", c->strategy->name, c->strategy->backend,
			c->workload->name,
			c->pattern ? c->pattern->name : "-",
			dmab_format_size(c->size, size, sizeof(size)));
		if (c->failed) {
			fprintf(out, "FAILED: %s\n", c->skipped);
			continue;
		}
		fprintf(out, "%6llu |", (unsigned long long)c->summary[DMAB_PHASE_FRAME].n);
		for (j = 0; j < sizeof(cols) / sizeof(cols[0]); j++) {
			print_us(out, c, cols[j]);
			if (!j)
				fprintf(out, " |");
		}
		if (c->summary[DMAB_PHASE_CPU_PROCESS].n)
			fprintf(out, " | %9.0f", mbps(c->size,
						       c->summary[DMAB_PHASE_CPU_PROCESS].p50_ns));
		else
			fprintf(out, " | %9s", "-");
		fprintf(out, " %9.0f | %s%s\n",
			mbps(c->size, c->summary[DMAB_PHASE_FRAME].p50_ns),
			dmab_integrity_verdict(&c->integrity),
			c->stop_reason && !strcmp(c->stop_reason, "interrupted") ?
			" (interrupted)" : "");
	}
	for (j = 0, k = 0; j < sizeof(cols) / sizeof(cols[0]); j++)
		k |= 1u << cols[j];
	report_more_phases(out, run, (unsigned int)k);
	report_method(out, run);
	if (not_started)
		fprintf(out, "interrupted: %zu configuration%s never started (in the result file "
			"with frames 0, stop_reason not_started)\n", not_started,
			not_started == 1 ? "" : "s");
	/* the wide loads against the plain loop, where both ran */
	for (i = 0; i < run->n_cells; i++) {
		const struct dmab_cell *c = &run->cells[i];
		uint64_t ref = c->summary[DMAB_PHASE_REFERENCE_READ].p50_ns;
		uint64_t cpu = c->summary[DMAB_PHASE_CPU_PROCESS].p50_ns;

		if (!ref || !cpu || c->aa_twin)
			continue;
		fprintf(out, "%s %s %s: wide loads %.0f MB/s, plain C loop %.0f MB/s (%.2fx)\n",
			c->strategy->name, c->workload->name,
			dmab_format_size(c->size, size, sizeof(size)), mbps(c->size, cpu),
			mbps(c->size, ref), (double)ref / (double)cpu);
	}
	/* cpu-access: how much of this machine's own bandwidth each strategy reaches */
	for (i = 0; i < run->n_cells; i++) {
		const struct dmab_cell *c = &run->cells[i];
		const struct dmab_peak *peak = dmab_peak_get();
		const char *note;
		int op = peak_op_of(c->pattern, &note);
		uint64_t cpu = c->summary[DMAB_PHASE_CPU_PROCESS].p50_ns;

		if (c->workload != &dmab_workload_cpu_access || c->aa_twin || op < 0 || !cpu ||
		    peak->unavailable[0] || peak->result[op].median_mbps <= 0)
			continue;
		fprintf(out, "%s %s %s %s: %.0f MB/s, %.1f%% of this machine's %s bandwidth "
			"(%.0f MB/s, environment.peak_mbps)\n", c->strategy->name,
			c->strategy->backend, c->pattern->name,
			dmab_format_size(c->size, size, sizeof(size)), mbps(c->size, cpu),
			100 * mbps(c->size, cpu) / peak->result[op].median_mbps,
			peak->result[op].op, peak->result[op].median_mbps);
	}
	/* paced runs: did the frames keep up */
	for (i = 0; i < run->n_cells && run->opt.fps; i++) {
		const struct dmab_cell *c = &run->cells[i];

		if (!c->summary[DMAB_PHASE_FRAME].n || c->aa_twin)
			continue;
		fprintf(out, "%s %s %s %s at %g fps: %llu of %llu frames missed their deadline, "
			"start jitter %.1f us (p99 lateness %.1f us)\n", c->strategy->name,
			c->workload->name, c->pattern ? c->pattern->name : "-",
			dmab_format_size(c->size, size, sizeof(size)), run->opt.fps,
			(unsigned long long)c->deadline_misses,
			(unsigned long long)c->summary[DMAB_PHASE_FRAME].n,
			c->lateness_summary.stddev_ns / 1e3,
			(double)c->lateness_summary.p99_ns / 1e3);
	}
	/* the mapping each (backend, strategy) got, once, where it was read back */
	for (i = 0; i < run->n_cells; i++) {
		const struct dmab_cell *c = &run->cells[i];

		if (!c->mapping_effective || c->skipped[0])
			continue;
		for (k = 0; k < i; k++)
			if (run->cells[k].strategy == c->strategy && run->cells[k].mapping_effective &&
			    !run->cells[k].skipped[0])
				break;
		if (k == i)
			fprintf(out, "mapping %s %s: %s\n", c->strategy->backend, c->strategy->name,
				c->mapping_effective);
	}
	report_counters(out, run);
	virtualized = dmab_env_virtualization(&vm_name, &vm_source);
	if (virtualized > 0)
		fprintf(out, "note: this kernel runs in a virtual machine (%s; %s): memory types and "
			"whole-cache flushes there may not be what they are on bare metal (KVM on "
			"Intel keeps guest memory write-back unless the VM has non-coherent DMA, "
			"and ignores a guest's WBINVD)\n", vm_name ? vm_name : "unidentified",
			vm_source);
	/* each skipped strategy once, with why */
	for (i = 0; i < run->n_cells; i++) {
		const struct dmab_cell *c = &run->cells[i];

		if (!c->skipped[0] || c->failed)
			continue;
		for (k = 0; k < i; k++)
			if (run->cells[k].skipped[0] && !run->cells[k].failed &&
			    !strcmp(run->cells[k].strategy->name, c->strategy->name))
				break;
		if (k == i)
			fprintf(out, "skipped %-14s %s\n", c->strategy->name, c->skipped);
	}
}

#define SAMPLE_ARRAY_MIN 32	/* integer arrays this long are written on one line */

/*
 * Replaces each long array of integers under @node by the string
 * @marker + its index in @saved (where the array goes).
 */
static int hide_long_arrays(json_t *node, json_t *saved, const char *marker)
{
	const char *key;
	json_t *v;
	void *tmp;
	size_t i;

	if (json_is_array(node) && json_array_size(node) >= SAMPLE_ARRAY_MIN &&
	    json_is_integer(json_array_get(node, 0)))
		return 1;
	if (json_is_object(node)) {
		json_object_foreach_safe(node, tmp, key, v) {
			char name[64];
			int ret = hide_long_arrays(v, saved, marker);

			if (ret < 0)
				return ret;
			if (!ret)
				continue;
			snprintf(name, sizeof(name), "%s%zu", marker, json_array_size(saved));
			if (json_array_append(saved, v) ||
			    json_object_set_new(node, key, json_string(name)))
				return -ENOMEM;
		}
	} else if (json_is_array(node)) {
		json_array_foreach(node, i, v)
			if (hide_long_arrays(v, saved, marker) < 0)
				return -ENOMEM;
	}
	return 0;
}

static size_t count(const char *text, const char *what)
{
	size_t n = 0;

	for (; (text = strstr(text, what)); text += strlen(what))
		n++;
	return n;
}

int dmab_json_dumpf(const json_t *root, FILE *f)
{
	const size_t flags = JSON_INDENT(1) | JSON_REAL_PRECISION(10);
	json_t *copy = json_deep_copy(root), *saved = json_array();
	char *text = NULL, *at, *mark, marker[48], quoted[64];
	int ret = -ENOMEM;

	/* a marker no string of the document holds: checked by counting below */
	snprintf(marker, sizeof(marker), "dmab-%d-%p-", (int)getpid(), (void *)copy);
	snprintf(quoted, sizeof(quoted), "\"%s", marker);
	if (!copy || !saved || hide_long_arrays(copy, saved, marker) < 0)
		goto out;
	text = json_dumps(copy, flags | JSON_ENCODE_ANY);
	if (!text)
		goto out;
	ret = 0;
	if (count(text, marker) != json_array_size(saved)) {
		ret = json_dumpf(root, f, flags) ? -EIO : 0;	/* the plain way */
		goto out;
	}
	for (at = text; (mark = strstr(at, quoted)); ) {
		char *end;
		size_t k = strtoul(mark + strlen(quoted), &end, 10);

		fwrite(at, 1, (size_t)(mark - at), f);
		if (*end != '"' || json_dumpf(json_array_get(saved, k), f, JSON_COMPACT)) {
			ret = -EIO;
			goto out;
		}
		at = end + 1;
	}
	if (fputs(at, f) == EOF)
		ret = -EIO;
out:
	free(text);
	json_decref(copy);
	json_decref(saved);
	return ret;
}

/* Counts a result entry (samples aside) and its journal record take, from files measured. */
#define RESULT_FIXED_BYTES (16u << 10)		/* the top level, beside the environment */
#define CELL_FIXED_BYTES (2u << 10)		/* a result entry without counters or samples */
#define CELL_EVENT_BYTES 700u			/* a counter in it */
#define CELL_REP_BYTES 200u			/* a repetition in it */
#define SAMPLE_BYTES 9u				/* "12345678," */

static unsigned int popcount(unsigned int v)
{
	unsigned int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

uint64_t dmab_report_cell_bytes(const struct dmab_run *run)
{
	return CELL_FIXED_BYTES + (uint64_t)CELL_EVENT_BYTES * run->opt.n_events +
	       (uint64_t)CELL_REP_BYTES * run->repeat;
}

uint64_t dmab_report_size_estimate(const struct dmab_run *run, size_t env_bytes)
{
	uint64_t kept = DMAB_SAMPLES_CAP, total = RESULT_FIXED_BYTES + env_bytes;
	size_t i;

	if (run->opt.frames && run->opt.frames < kept)
		kept = run->opt.frames;
	for (i = 0; i < run->n_cells; i++) {
		const struct dmab_cell *c = &run->cells[i];

		if (c->aa_twin)
			continue;
		total += dmab_report_cell_bytes(run);
		if (!c->skipped[0])
			total += (uint64_t)popcount(c->workload->phases) * kept * SAMPLE_BYTES;
	}
	return total;
}

enum dmab_output_kind dmab_output_kind(const char *path, const char **what)
{
	struct stat st, null_st;

	*what = NULL;
	if (stat(path, &st))
		return DMAB_OUTPUT_FILE;	/* none yet (or the folder says why soon enough) */
	if (S_ISREG(st.st_mode))
		return DMAB_OUTPUT_FILE;
	if (S_ISFIFO(st.st_mode))
		return DMAB_OUTPUT_STREAM;
	if (S_ISCHR(st.st_mode) && !stat("/dev/null", &null_st) && S_ISCHR(null_st.st_mode) &&
	    st.st_rdev == null_st.st_rdev)
		return DMAB_OUTPUT_DISCARD;
	*what = S_ISDIR(st.st_mode) ? "a folder" : S_ISCHR(st.st_mode) ? "a character device" :
		S_ISBLK(st.st_mode) ? "a block device" : S_ISSOCK(st.st_mode) ? "a socket" :
		"not a regular file";
	return DMAB_OUTPUT_REFUSED;
}

void dmab_parent_dir(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, len, ".");
	else if (slash == path)
		snprintf(out, len, "/");
	else
		snprintf(out, len, "%.*s", (int)(slash - path), path);
}

int dmab_fsync_parent(const char *path)
{
	char dir[4096];
	int fd, ret = 0;

	dmab_parent_dir(path, dir, sizeof(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* some file systems cannot sync a folder (EINVAL): nothing more can be done there */
	if (fsync(fd) && errno != EINVAL)
		ret = -errno;
	close(fd);
	return ret;
}

int dmab_free_bytes(const char *path, uint64_t *bytes)
{
	char dir[4096];
	struct statvfs vfs;

	dmab_parent_dir(path, dir, sizeof(dir));
	if (statvfs(dir, &vfs))
		return -errno;
	*bytes = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	return 0;
}

int dmab_path_numbered(const char *path, unsigned int k, char *out, size_t len)
{
	size_t n = strlen(path);
	int ret;

	if (k <= 1)
		ret = snprintf(out, len, "%s", path);
	else if (n > 5 && !strcmp(path + n - 5, ".json"))
		ret = snprintf(out, len, "%.*s-%u.json", (int)(n - 5), path, k);
	else
		ret = snprintf(out, len, "%s-%u", path, k);
	return ret < 0 || (size_t)ret >= len ? -ENAMETOOLONG : 0;
}

int dmab_output_writable(const char *path)
{
	char tmp[4096];
	const char *what;
	int fd;

	if (dmab_output_kind(path, &what) != DMAB_OUTPUT_FILE)
		return 0;	/* written in place (or refused): nothing is created beside it */
	if (snprintf(tmp, sizeof(tmp), "%s.probe.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	unlink(tmp);
	return 0;
}

/* The document into @fd, then a newline; every write checked, the stream's buffer too. */
static int dump_to_fd(int fd, const json_t *root, int sync)
{
	FILE *f = fdopen(fd, "w");
	int ret = 0;

	if (!f) {
		ret = -errno;
		close(fd);
		return ret;
	}
	errno = 0;
	if (dmab_json_dumpf(root, f) || fputc('\n', f) == EOF || fflush(f))
		ret = -(errno ? errno : EIO);
	else if (sync && fsync(fd))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/* A FIFO or /dev/null: nothing to put beside it, nothing to rename. */
static int write_in_place(const char *path, const json_t *root, const char **step)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret;

	*step = "open";
	if (fd < 0)
		return -errno;
	*step = "write";
	ret = dump_to_fd(fd, root, 0);
	return ret;
}

/*
 * Links the finished temporary @tmp to the first of @path, @path-2, ...
 * that no file has: atomic and exclusive. @unnamed: @tmp is an unnamed
 * file's /proc/self/fd link (write_unnamed), linked where it points, and
 * there is nothing to remove or rename. Otherwise, where the file system
 * has no hard links (FAT), renameat2's RENAME_NOREPLACE; where that is
 * missing too, a look before an ordinary rename (a narrow race, said here).
 */
static int link_numbered(const char *tmp, int unnamed, const char *path, char *written,
			 size_t len)
{
	unsigned int k;
	int ret;

	for (k = 1; k < 1000; k++) {
		ret = dmab_path_numbered(path, k, written, len);
		if (ret)
			return ret;
		if (!linkat(AT_FDCWD, tmp, AT_FDCWD, written, unnamed ? AT_SYMLINK_FOLLOW : 0)) {
			if (!unnamed)
				unlink(tmp);
			return 0;
		}
		if (errno == EEXIST)
			continue;
		if (unnamed)
			return -errno;
		if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS && errno != EMLINK)
			return -errno;
		if (!renameat2(AT_FDCWD, tmp, AT_FDCWD, written, RENAME_NOREPLACE))
			return 0;
		if (errno == EEXIST)
			continue;
		if (errno != EINVAL && errno != ENOSYS)
			return -errno;
		if (!access(written, F_OK))
			continue;
		return rename(tmp, written) ? -errno : 0;
	}
	return -EEXIST;
}

/* What goes into the temporary file: a document, or bytes as they are. */
struct file_content {
	const json_t *root;		/* NULL: @data */
	const void *data;
	size_t len;
};

/* @c into @fd, synced; @fd is closed. */
static int fill_and_sync(int fd, const struct file_content *c)
{
	const char *p = c->data;
	size_t done = 0;
	ssize_t n;
	int ret = 0;

	if (c->root)
		return dump_to_fd(fd, c->root, 1);
	while (done < c->len && !ret) {
		n = write(fd, p + done, c->len - done);
		if (n < 0 && errno != EINTR)
			ret = -errno;
		else if (n > 0)
			done += (size_t)n;
	}
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

/*
 * An unnamed file in @path's folder (O_TMPFILE), filled and synced, then
 * given its name through /proc/self/fd: a kill at any moment before that
 * leaves nothing behind, where a named temporary stays. Over an existing
 * file it takes a temporary name for the two calls between link and
 * rename. -EOPNOTSUPP where the file system or /proc does not allow it.
 */
static int write_unnamed(const char *path, const struct file_content *c, unsigned int flags,
			 char *written, size_t len, const char **step)
{
	char dir[4096], self[64], tmp[4096];
	const char *slash = strrchr(path, '/');
	int fd, copy, ret;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path),
			  path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL ? -EOPNOTSUPP
										  : -errno;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if (access(self, F_OK)) {	/* no /proc: no way to name it */
		close(fd);
		return -EOPNOTSUPP;
	}
	*step = "write or fsync";
	copy = dup(fd);
	ret = copy < 0 ? -errno : fill_and_sync(copy, c);
	if (ret)
		goto out_close;
	if (flags & DMAB_WRITE_EXCLUSIVE) {
		*step = "link (exclusive creation)";
		ret = link_numbered(self, 1, path, written, len);
		goto out_close;
	}
	*step = "rename";
	snprintf(written, len, "%s", path);
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp)) {
		ret = -ENAMETOOLONG;
		goto out_close;
	}
	unlink(tmp);	/* a dead process's: this pid is ours now */
	if (linkat(AT_FDCWD, self, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW))
		ret = -errno;
	else if (rename(tmp, path)) {
		ret = -errno;
		unlink(tmp);
	}
out_close:
	close(fd);
	return ret;
}

/*
 * @c into @path, atomically: an unnamed file where the file system allows
 * (write_unnamed), else a temporary file beside @path, filled and synced,
 * renamed or linked to it.
 */
static int write_via_temporary(const char *path, const struct file_content *c,
			       unsigned int flags, char *written, size_t len, const char **step)
{
	char tmp[4096];
	int fd, ret;

	*step = "creating a temporary file beside it";
	ret = write_unnamed(path, c, flags, written, len, step);
	if (ret != -EOPNOTSUPP) {
		if (ret)
			return ret;
		*step = "fsync of the folder";
		return dmab_fsync_parent(written);
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	*step = "creating a temporary file beside it";
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST) {	/* a dead process's: this pid is ours now */
		unlink(tmp);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return -errno;
	*step = "write or fsync";
	ret = fill_and_sync(fd, c);
	if (!ret && (flags & DMAB_WRITE_EXCLUSIVE)) {
		*step = "link (exclusive creation)";
		ret = link_numbered(tmp, 0, path, written, len);
	} else if (!ret) {
		*step = "rename";
		ret = rename(tmp, path) ? -errno : 0;
	}
	if (ret) {
		unlink(tmp);
		return ret;
	}
	*step = "fsync of the folder";
	return dmab_fsync_parent(written);
}

int dmab_write_result(const char *path, const json_t *root, unsigned int flags, char *written,
		      size_t len, const char **step)
{
	const struct file_content c = { .root = root };
	const char *what;

	*step = "open";
	snprintf(written, len, "%s", path);
	switch (dmab_output_kind(path, &what)) {
	case DMAB_OUTPUT_REFUSED:
		return -EINVAL;
	case DMAB_OUTPUT_STREAM:
	case DMAB_OUTPUT_DISCARD:
		return write_in_place(path, root, step);
	case DMAB_OUTPUT_FILE:
		break;
	}
	return write_via_temporary(path, &c, flags, written, len, step);
}

int dmab_write_bytes(const char *path, const void *data, size_t len, unsigned int flags,
		     char *written, size_t written_len, const char **step)
{
	const struct file_content c = { .data = data, .len = len };

	snprintf(written, written_len, "%s", path);
	return write_via_temporary(path, &c, flags, written, written_len, step);
}

int dmab_write_json_atomic(const char *path, const json_t *root)
{
	char written[4096];
	const char *step;

	return dmab_write_result(path, root, 0, written, sizeof(written), &step);
}
