/* target.c - the target options shared by `ircspec` and `ircspec fuzz`. */
#include "target.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spawn.h"
#include "valgrind.h"

void target_defaults(struct cli_target *t, int timeout_ms)
{
	memset(t, 0, sizeof *t);
	t->host = "127.0.0.1";
	t->port = 6667;
	t->timeout_ms = timeout_ms;
}

int cli_number(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int cli_oper(const char *arg, char name[64], char pass[64])
{
	const char *colon = strchr(arg, ':');
	if (!colon || colon == arg || !colon[1] || colon - arg >= 64 || strlen(colon + 1) >= 64 ||
	    strchr(arg, ' '))
		return -1;
	snprintf(name, 64, "%.*s", (int)(colon - arg), arg);
	snprintf(pass, 64, "%s", colon + 1);
	return 0;
}

int target_option(struct cli_target *t, int opt, const char *arg, char *err, size_t errsz)
{
	long v;
	switch (opt) {
	case TARGET_OPT_HOST:
		if (!*arg) {
			snprintf(err, errsz, "--host: the address is empty");
			return -1;
		}
		t->host = arg;
		return 1;
	case TARGET_OPT_PORT:
		if (cli_number(arg, 1, 65535, &v) != 0) {
			snprintf(err, errsz, "--port: '%s' is not a port (1-65535)", arg);
			return -1;
		}
		t->port = (unsigned)v;
		return 1;
	case TARGET_OPT_PASSWORD: t->password = arg; return 1;
	case TARGET_OPT_OPER:
		if (cli_oper(arg, t->oper_name, t->oper_pass) != 0) {
			snprintf(err, errsz, "--oper: '%s' is not NAME:PASS", arg);
			return -1;
		}
		t->have_oper = true;
		return 1;
	case TARGET_OPT_SPAWN: t->spawn = arg; return 1;
	case TARGET_OPT_VALGRIND: t->valgrind = true; return 1;
	case TARGET_OPT_TIMEOUT:
		if (cli_number(arg, 10, 600000, &v) != 0) {
			snprintf(err, errsz, "--timeout: '%s' is not a number of ms (10-600000)", arg);
			return -1;
		}
		t->timeout_ms = (int)v;
		return 1;
	}
	return 0;
}

int target_check(const struct cli_target *t, char *err, size_t errsz)
{
	if (t->valgrind && !t->spawn) {
		snprintf(err, errsz, "--valgrind needs --spawn");
		return -1;
	}
	return 0;
}

void target_env(const struct cli_target *t, struct run_env *env)
{
	env->host = t->host;
	env->port = t->port;
	env->password = t->password;
	env->oper_name = t->have_oper ? t->oper_name : NULL;
	env->oper_pass = t->have_oper ? t->oper_pass : NULL;
	env->timeout_ms = t->timeout_ms;
}

int target_spawn(const struct cli_target *t, struct run_env *env, struct spawn **sp,
		 struct valgrind **vg, char *err, size_t errsz)
{
	if (!t->spawn)
		return 0;
	if (t->valgrind && !(*vg = valgrind_open(NULL, err, errsz)))
		return -1;
	unsigned port = 0;
	*sp = spawn_start(t->spawn, t->password, *vg ? valgrind_wrap(*vg) : NULL, &port, err, errsz);
	if (!*sp)
		return -1;
	env->host = "127.0.0.1";
	env->port = port;
	return 0;
}
