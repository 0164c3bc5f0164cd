// SPDX-License-Identifier: GPL-2.0
#include "export.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../harness/parse.h"
#include "../strategies/strategy.h"

int dmab_export_format_parse(const char *name, enum dmab_export_format *out)
{
	static const char *const names[] = { "lava", "junit", "csv", "console" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i])) {
			*out = (enum dmab_export_format)i;
			return 0;
		}
	return -EINVAL;
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

void dmab_export_case_id(const json_t *r, char *buf, size_t len)
{
	const json_t *pattern = json_object_get(r, "pattern");
	char size[32];
	size_t i;

	dmab_format_size((uint64_t)json_integer_value(json_object_get(r, "size_bytes")), size,
			 sizeof(size));
	snprintf(buf, len, "%s_%s_%s_%s_%s", str(r, "strategy"), str(r, "backend"),
		 str(r, "workload"), json_is_string(pattern) ? json_string_value(pattern) : "none",
		 size);
	for (i = 0; buf[i]; i++)
		if (!((buf[i] >= 'a' && buf[i] <= 'z') || (buf[i] >= 'A' && buf[i] <= 'Z') ||
		      (buf[i] >= '0' && buf[i] <= '9') || buf[i] == '_' || buf[i] == '.' ||
		      buf[i] == '-'))
			buf[i] = '_';
}

/* The negative control (no sync at all): its stale lines are what it is there to show. */
static int negative_control(const json_t *r)
{
	return !strcmp(str(r, "strategy"), DMAB_NEGATIVE_CONTROL);
}

/*
 * pass, fail or skip, as LAVA and JUnit count a configuration; integrity
 * as dmabench run counts it for its exit code: never the negative control's.
 */
static const char *outcome(const json_t *r)
{
	const char *v = json_string_value(json_object_get(json_object_get(r, "integrity"),
							  "verdict"));

	if (json_is_true(json_object_get(r, "failed")))
		return "fail";
	if (json_is_string(json_object_get(r, "skipped")))
		return "skip";
	if (v && (!strcmp(v, "stale") || !strcmp(v, "corrupt")) && !negative_control(r))
		return "fail";
	return "pass";
}

/* The headline median in us: cpu_cost, or frame in a version-1 file; < 0: none. */
static double headline_us(const json_t *r, const char **metric)
{
	const json_t *phases = json_object_get(r, "phases"), *p;

	*metric = "cpu_cost";
	p = json_object_get(phases, "cpu_cost");
	if (!p) {
		*metric = "frame";
		p = json_object_get(phases, "frame");
	}
	return p ? (double)json_integer_value(json_object_get(p, "p50_ns")) / 1e3 : -1;
}

/*
 * LAVA's own signal lines, printed directly rather than by calling
 * lava-test-case: the dispatcher reads them off the console whichever
 * prints them, and a board running dmabench from the tarball may not have
 * LAVA's helper scripts on its PATH. Why a configuration was skipped or
 * failed goes on the line before, as lava-test-case users echo it.
 */
static int export_lava(const json_t *root, FILE *out)
{
	const json_t *r;
	char id[256];
	size_t i;

	json_array_foreach(json_object_get(root, "results"), i, r) {
		const char *metric, *result = outcome(r);
		double us = headline_us(r, &metric);

		dmab_export_case_id(r, id, sizeof(id));
		if (json_is_string(json_object_get(r, "skipped")))
			fprintf(out, "dmabench: %s %s: %s\n", id, result, str(r, "skipped"));
		else if (!strcmp(result, "fail"))
			fprintf(out, "dmabench: %s fail: integrity %s\n", id,
				str(json_object_get(r, "integrity"), "verdict"));
		else if (negative_control(r))
			fprintf(out, "dmabench: %s pass: integrity %s; the negative control (no sync): "
				"stale data is what it shows where the device is not coherent\n", id,
				str(json_object_get(r, "integrity"), "verdict"));
		if (!strcmp(result, "skip") || us < 0)
			fprintf(out, "<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=%s RESULT=%s>\n", id, result);
		else
			fprintf(out, "<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=%s RESULT=%s MEASUREMENT=%.3f "
				"UNITS=us>\n", id, result, us);
	}
	return ferror(out) ? -EIO : 0;
}

static void xml_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			/* XML 1.0 has no other control characters */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc('?', out);
			else
				fputc(*s, out);
		}
	}
}

static int export_junit(const json_t *root, const char *name, FILE *out)
{
	const json_t *results = json_object_get(root, "results"), *r;
	size_t i, failures = 0, skipped = 0;
	char id[256];

	json_array_foreach(results, i, r) {
		failures += !strcmp(outcome(r), "fail");
		skipped += !strcmp(outcome(r), "skip");
	}
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
		"<testsuite name=\"dmabench ");
	xml_text(out, name);
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
		json_array_size(results), failures, skipped,
		json_number_value(json_object_get(root, "duration_s")));
	json_array_foreach(results, i, r) {
		const char *metric, *result = outcome(r);
		double us = headline_us(r, &metric);

		dmab_export_case_id(r, id, sizeof(id));
		fprintf(out, "  <testcase classname=\"dmabench.%s\" name=\"", str(r, "workload"));
		xml_text(out, id);
		fprintf(out, "\" time=\"%.6f\">\n", json_number_value(json_object_get(r, "elapsed_s")));
		if (!strcmp(result, "skip")) {
			fprintf(out, "    <skipped message=\"");
			xml_text(out, str(r, "skipped"));
			fprintf(out, "\"/>\n");
		} else if (!strcmp(result, "fail")) {
			fprintf(out, "    <failure message=\"");
			xml_text(out, json_is_string(json_object_get(r, "skipped")) ?
				 str(r, "skipped") : "stale or corrupt data (integrity)");
			fprintf(out, "\"/>\n");
		}
		if (us >= 0)
			fprintf(out, "    <system-out>%s median %.3f us; integrity %s</system-out>\n",
				metric, us, str(json_object_get(r, "integrity"), "verdict"));
		fprintf(out, "  </testcase>\n");
	}
	fprintf(out, "</testsuite>\n</testsuites>\n");
	return ferror(out) ? -EIO : 0;
}

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void csv_field(FILE *out, const char *s, int last)
{
	if (strpbrk(s, ",\"\n\r")) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
	fputc(last ? '\n' : ',', out);
}

static int export_csv(const json_t *root, FILE *out)
{
	static const char *const stats[] = { "n", "min_ns", "p50_ns", "p90_ns", "p99_ns",
					     "max_ns", "mean_ns", "stddev_ns" };
	const json_t *r, *phase;
	const char *key;
	char num[64];
	size_t i, k;

	fprintf(out, "strategy,backend,workload,pattern,size_bytes,phase,n,min_ns,p50_ns,p90_ns,"
		"p99_ns,max_ns,mean_ns,stddev_ns,repetitions,integrity,skipped\n");
	json_array_foreach(json_object_get(root, "results"), i, r) {
		const json_t *pattern = json_object_get(r, "pattern");
		const json_t *phases = json_object_get(r, "phases");
		int none = !json_object_size(phases);

		json_object_foreach((json_t *)phases, key, phase) {
			csv_field(out, str(r, "strategy"), 0);
			csv_field(out, str(r, "backend"), 0);
			csv_field(out, str(r, "workload"), 0);
			csv_field(out, json_is_string(pattern) ? json_string_value(pattern) : "", 0);
			fprintf(out, "%lld,", (long long)json_integer_value(json_object_get(r,
										 "size_bytes")));
			csv_field(out, key, 0);
			for (k = 0; k < sizeof(stats) / sizeof(stats[0]); k++) {
				const json_t *v = json_object_get(phase, stats[k]);

				if (json_is_integer(v))
					fprintf(out, "%lld,", (long long)json_integer_value(v));
				else
					fprintf(out, "%.3f,", json_number_value(v));
			}
			snprintf(num, sizeof(num), "%zu",
				 json_array_size(json_object_get(r, "repetitions")));
			csv_field(out, num, 0);
			csv_field(out, str(json_object_get(r, "integrity"), "verdict"), 0);
			csv_field(out, "", 1);
		}
		if (none) {	/* skipped or failed: one row that says why */
			csv_field(out, str(r, "strategy"), 0);
			csv_field(out, str(r, "backend"), 0);
			csv_field(out, str(r, "workload"), 0);
			csv_field(out, json_is_string(pattern) ? json_string_value(pattern) : "", 0);
			fprintf(out, "%lld,,,,,,,,,,0,,", (long long)json_integer_value(
				json_object_get(r, "size_bytes")));
			csv_field(out, str(r, "skipped"), 1);
		}
	}
	return ferror(out) ? -EIO : 0;
}

void dmab_base64_write(FILE *out, const unsigned char *p, size_t len, size_t line)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, col = 0;

	for (i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0) |
			     (i + 2 < len ? p[i + 2] : 0);
		char q[4] = { abc[v >> 18 & 63], abc[v >> 12 & 63],
			      i + 1 < len ? abc[v >> 6 & 63] : '=', i + 2 < len ? abc[v & 63] : '=' };

		fwrite(q, 1, 4, out);
		col += 4;
		if (line && col == line) {
			fputc('\n', out);
			col = 0;
		}
	}
	if (line && col)
		fputc('\n', out);
}

/*
 * The file as it is, gzip-compressed (zlib, a gzip header: `base64 -d |
 * gunzip` gets it back by hand) and base64-encoded between markers that
 * carry its name and size, for a console that is the only way off a board.
 */
static int export_console(const char *name, const unsigned char *data, size_t len, FILE *out)
{
	z_stream z = { 0 };
	uLong bound = compressBound((uLong)len) + 32;
	unsigned char *gz = malloc(bound);
	const char *base = strrchr(name, '/');
	int ret;

	if (!gz)
		return -ENOMEM;
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
	    Z_OK) {
		free(gz);
		return -ENOMEM;
	}
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = gz;
	z.avail_out = (uInt)bound;
	ret = deflate(&z, Z_FINISH);
	deflateEnd(&z);
	if (ret != Z_STREAM_END) {
		free(gz);
		return -EIO;
	}
	fprintf(out, "%s %s bytes=%zu gzip+base64\n", DMAB_CONSOLE_BEGIN, base ? base + 1 : name,
		len);
	dmab_base64_write(out, gz, z.total_out, DMAB_CONSOLE_LINE);
	fprintf(out, "%s %s\n", DMAB_CONSOLE_END, base ? base + 1 : name);
	free(gz);
	return ferror(out) ? -EIO : 0;
}

int dmab_export(const json_t *root, const char *name, const unsigned char *data, size_t len,
		enum dmab_export_format format, FILE *out)
{
	switch (format) {
	case DMAB_EXPORT_LAVA:
		return export_lava(root, out);
	case DMAB_EXPORT_JUNIT:
		return export_junit(root, name, out);
	case DMAB_EXPORT_CSV:
		return export_csv(root, out);
	case DMAB_EXPORT_CONSOLE:
		return export_console(name, data, len, out);
	}
	return -EINVAL;
}
