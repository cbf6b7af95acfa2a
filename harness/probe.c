/* probe.c - the pre-flight and liveness client (see probe.h). */
#include "probe.h"

#include <stdio.h>

#include "session.h"

static int probe(struct run_env *env, struct target_info *learn, char *err, size_t errsz)
{
	struct sclient cl = {.name = "probe"};
	struct transcript tr = {0};
	struct session s;
	int rc = sess_init(&s, env, &cl, 1, &tr);
	s.learn = learn;
	unsigned k = 0;
	if (rc == 0)
		rc = sess_connect(&s, 0) != 0 ? -2 : 0;
	else
		snprintf(s.why, sizeof s.why, "out of memory");
	if (rc == 0 && env->probe_ping_early && !learn)
		rc = sess_register_synced(&s, 0, sess_deadline(&s, env->timeout_ms * 3));
	else if (rc == 0 && (rc = sess_register(&s, &k, 1, sess_deadline(&s, env->timeout_ms * 2))) == 0)
		rc = sess_sync(&s, 0, sess_deadline(&s, env->timeout_ms));
	if (rc != 0)
		snprintf(err, errsz, "%s", s.why);
	sess_free(&s);
	transcript_free(&tr);
	return rc;
}

int probe_preflight(struct run_env *env, char *err, size_t errsz)
{
	return probe(env, &env->ti, err, errsz);
}

bool probe_liveness(struct run_env *env, char *why, size_t whysz)
{
	return probe(env, NULL, why, whysz) == 0;
}
