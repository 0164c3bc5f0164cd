/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmabench export: a result file in the forms board farms and CI servers
 * read. One printer per format, all from the document compare reads.
 */
#ifndef DMAB_EXPORT_H
#define DMAB_EXPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

enum dmab_export_format {
	DMAB_EXPORT_LAVA,	/* LAVA's test case signal lines */
	DMAB_EXPORT_JUNIT,	/* JUnit XML (GitLab, Jenkins) */
	DMAB_EXPORT_CSV,	/* a row per configuration and phase */
	DMAB_EXPORT_CONSOLE,	/* the file itself, gzip + base64 between markers */
};

/* The markers around a file on a console; the name and size follow the begin marker. */
#define DMAB_CONSOLE_BEGIN "----- dmabench result begin"
#define DMAB_CONSOLE_END "----- dmabench result end"
/* Base64 characters per console line: short enough for any serial capture. */
#define DMAB_CONSOLE_LINE 76

/* "lava", "junit", "csv", "console"; -EINVAL for another name. */
int dmab_export_format_parse(const char *name, enum dmab_export_format *out);

/*
 * Writes @root (from dmab_result_load) to @out in @format. @name is the
 * file's name (console: carried in the marker; junit: the suite's name),
 * @data and @len its bytes as read (console: exported byte for byte).
 * Returns 0, -ENOMEM or -EIO.
 */
int dmab_export(const json_t *root, const char *name, const unsigned char *data, size_t len,
		enum dmab_export_format format, FILE *out);

/*
 * RFC 4648 base64 of @len bytes to @out, @line characters a line (a multiple
 * of 4, each line ended by a newline), or with @line 0 all on one line and
 * no newline (a data: URI).
 */
void dmab_base64_write(FILE *out, const unsigned char *p, size_t len, size_t line);

/* A LAVA test case id from a result: [A-Za-z0-9_.-] only. */
void dmab_export_case_id(const json_t *result, char *buf, size_t len);

#endif /* DMAB_EXPORT_H */
