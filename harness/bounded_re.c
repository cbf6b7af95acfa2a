/* bounded_re.c - PCRE2 with every limit set (see bounded_re.h). */
#include "bounded_re.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct bre {
	pcre2_code *code;
};

static void pcre2_message(int code, char *out, size_t outsz)
{
	if (pcre2_get_error_message(code, (PCRE2_UCHAR *)out, outsz) < 0)
		snprintf(out, outsz, "PCRE2 error %d", code);
}

int bre_compile(struct bre **out, const char *pat, size_t len, char *err, size_t errsz)
{
	*out = NULL;
	struct bre *re = malloc(sizeof *re);
	pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
	if (!re || !cc) {
		snprintf(err, errsz, "out of memory");
		free(re);
		pcre2_compile_context_free(cc);
		return -1;
	}
	/* Checked before PCRE2 allocates anything for the pattern. */
	pcre2_set_max_pattern_length(cc, BRE_PATTERN_MAX);
	int code;
	PCRE2_SIZE at;
	re->code = pcre2_compile((PCRE2_SPTR)pat, len, PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY,
				 &code, &at, cc);
	pcre2_compile_context_free(cc);
	if (!re->code) {
		char msg[160];
		pcre2_message(code, msg, sizeof msg);
		snprintf(err, errsz, "%s, at byte %zu", msg, (size_t)at);
		free(re);
		return -1;
	}
	*out = re;
	return 0;
}

/* The name table: count entries of `size` bytes, each a 2-byte group
 * number (big-endian) then the NUL-terminated name. */
struct names {
	uint32_t count, size;
	PCRE2_SPTR table;
};

static void name_table(const struct bre *re, struct names *nt)
{
	nt->count = nt->size = 0;
	nt->table = NULL;
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMECOUNT, &nt->count);
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMEENTRYSIZE, &nt->size);
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMETABLE, &nt->table);
	if (!nt->table)
		nt->count = 0;
}

int bre_group_names(const struct bre *re, bre_group_fn *each, void *arg)
{
	struct names nt;
	name_table(re, &nt);
	for (uint32_t i = 0; i < nt.count; i++) {
		int rc = each(arg, (const char *)nt.table + i * nt.size + 2, NULL, 0);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void each_group(const struct bre *re, pcre2_match_data *md, const char *s,
		       bre_group_fn *each, void *arg)
{
	struct names nt;
	name_table(re, &nt);
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	uint32_t pairs = pcre2_get_ovector_count(md);
	for (uint32_t i = 0; i < nt.count; i++) {
		PCRE2_SPTR e = nt.table + i * nt.size;
		uint32_t g = (uint32_t)(e[0] << 8 | e[1]);
		if (g >= pairs || ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] < ov[2 * g])
			continue;
		if (each(arg, (const char *)e + 2, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]) != 0)
			return;
	}
}

/* Per call, not per pattern: a compiled pattern is shared by the threads
 * running cases, its match data could not be. */
static enum bre_result match(const struct bre *re, const char *s, size_t len,
			     bre_group_fn *each, void *arg, char *err, size_t errsz)
{
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	pcre2_match_data *md = each ? pcre2_match_data_create_from_pattern(re->code, NULL)
				    : pcre2_match_data_create(1, NULL);
	int rc = PCRE2_ERROR_NOMEMORY;
	if (mc && md) {
		pcre2_set_match_limit(mc, BRE_MATCH_LIMIT);
		pcre2_set_depth_limit(mc, BRE_DEPTH_LIMIT);
		pcre2_set_heap_limit(mc, BRE_HEAP_LIMIT_KB);
		rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, md, mc);
		if (rc >= 0 && each)
			each_group(re, md, s, each, arg);
	}
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	if (rc >= 0)
		return BRE_MATCH;
	if (rc == PCRE2_ERROR_NOMATCH)
		return BRE_NOMATCH;
	pcre2_message(rc, err, errsz);
	return BRE_LIMIT;
}

enum bre_result bre_match(const struct bre *re, const char *s, size_t len, char *err,
			  size_t errsz)
{
	return match(re, s, len, NULL, NULL, err, errsz);
}

enum bre_result bre_match_groups(const struct bre *re, const char *s, size_t len,
				 bre_group_fn *each, void *arg, char *err, size_t errsz)
{
	return match(re, s, len, each, arg, err, errsz);
}

void bre_free(struct bre *re)
{
	if (re)
		pcre2_code_free(re->code);
	free(re);
}
