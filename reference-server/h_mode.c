/* h_mode.c - MODE for users (RFC 2812 3.1.5) and channels (RFC 2812
 * 3.2.3, RFC 1459 4.2.3.1, RFC 2811 4).
 *
 * A channel MODE is read whole, each change is checked and applied on its
 * own (one unknown nick does not cancel the rest), and what really changed
 * is announced once, as RFC 1459 4.2.3 recommends: "the entire message be
 * parsed first and then the changes which resulted then passed on." */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/casemap.h"
#include "proto.h"

/* RFC 2812 5.2; not (yet) in numerics.h. */

/* A stored ban mask is "nick!user@host" at most. */
#define BANMASK_SIZE (NICKLEN + 1 + USERLEN + 1 + HOSTLEN + 1)

struct mode_letter {
	char letter;
	unsigned bit;
};

/* RFC 2812 3.1.5; 'a' is AWAY's, 'r'/'O'/'s' we do not offer. */
static const struct mode_letter user_modes[] = {
	{'i', UMODE_INVISIBLE},
	{'o', UMODE_OPER},
	{'w', UMODE_WALLOPS},
};

/* RFC 1459 4.2.3.1: the channel flags that take no parameter. */
static const struct mode_letter chan_flags[] = {
	{'i', CMODE_INVITE}, {'m', CMODE_MODERATED}, {'n', CMODE_NOEXTERNAL},
	{'p', CMODE_PRIVATE}, {'s', CMODE_SECRET},  {'t', CMODE_TOPIC},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static unsigned letter_bit(const struct mode_letter *tab, size_t n, char letter)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].letter == letter)
			return tab[i].bit;
	return 0;
}

/* Appends the letters of bits set in `bits` to out (bounded by n). */
static size_t put_letters(char *out, size_t at, size_t n, const struct mode_letter *tab,
			  size_t ntab, unsigned bits)
{
	for (size_t i = 0; i < ntab && at + 1 < n; i++)
		if (bits & tab[i].bit)
			out[at++] = tab[i].letter;
	out[at] = '\0';
	return at;
}

/* ---- user modes ---- */

/* "+iw"-style string of the modes added (old -> new), then those removed. */
static void umode_diff(char *out, size_t n, unsigned old, unsigned new_modes)
{
	unsigned added = new_modes & ~old, removed = old & ~new_modes;
	size_t at = 0;
	out[0] = '\0';
	if (added && at + 1 < n) {
		out[at++] = '+';
		at = put_letters(out, at, n, user_modes, NELEM(user_modes), added);
	}
	if (removed && at + 1 < n) {
		out[at++] = '-';
		put_letters(out, at, n, user_modes, NELEM(user_modes), removed);
	}
}

/* Applies "+i-w"-style words from params[1..] to modes.  Returns false if
 * any letter was unknown (the known ones still apply). */
static bool umode_apply(const struct irc_msg *m, unsigned *modes)
{
	bool all_known = true;
	for (int i = 1; i < m->nparams; i++) {
		bool add = true;
		for (const char *p = m->params[i]; *p; p++) {
			if (*p == '+' || *p == '-') {
				add = *p == '+';
				continue;
			}
			unsigned bit = letter_bit(user_modes, NELEM(user_modes), *p);
			if (!bit) {
				all_known = false;
				continue;
			}
			/* RFC 2812 3.1.5: "If a user attempts to make themselves
			 * an operator using the "+o" or "+O" flag, the attempt
			 * SHOULD be ignored"; "-o" is always allowed. */
			if (bit == UMODE_OPER && add)
				continue;
			*modes = add ? *modes | bit : *modes & ~bit;
		}
	}
	return all_known;
}

static void user_mode(struct server *s, struct client *c, const struct irc_msg *m)
{
	struct client *target = client_find(s, m->params[0]);
	if (!target) {
		send_numeric(s, c, ERR_NOSUCHNICK, "%s :No such nick/channel", m->params[0]);
		return;
	}
	/* RFC 2812 3.1.5: "A user MODE command MUST only be accepted if both
	 * the sender of the message and the nickname given as a parameter
	 * are both the same." */
	if (target != c) {
		send_numeric(s, c, ERR_USERSDONTMATCH, ":Cannot change mode for other users");
		return;
	}
	char str[NELEM(user_modes) + 3];
	if (m->nparams < 2) {
		str[0] = '+';
		put_letters(str, 1, sizeof str, user_modes, NELEM(user_modes), c->umodes);
		send_numeric(s, c, RPL_UMODEIS, "%s", str);
		return;
	}
	unsigned modes = c->umodes;
	if (!umode_apply(m, &modes))
		send_numeric(s, c, ERR_UMODEUNKNOWNFLAG, ":Unknown MODE flag");
	if (modes == c->umodes)
		return; /* nothing changed: nothing to confirm */
	umode_diff(str, sizeof str, c->umodes, modes);
	client_set_umodes(s, c, modes);
	send_fmt(s, c, ":%s MODE %s :%s", c->nick, c->nick, str);
}

/* ---- channel modes: the announcement ---- */

/* Builds ":source MODE #chan +ov-b a b c" lines, starting a new line
 * before one would pass 510 bytes, so no parameter is ever cut. */
struct mode_line {
	char modes[IRC_LINE_MAX + 1]; /* "+o-v" */
	char args[IRC_LINE_MAX + 1];  /* " nick nick" */
	size_t mlen, alen, room;
	char dir;                     /* sign last written, 0 for none */
};

/* A parameterised change that happened, kept for the announcement. */
struct mode_change {
	char dir, letter;
	char arg[BANMASK_SIZE]; /* "" for none (-l) */
};

/* One channel MODE command being processed. */
struct mode_ctx {
	struct server *s;
	struct client *c;
	struct channel *ch;
	const struct irc_msg *m;
	int next_arg;        /* next unread parameter */
	bool is_op;
	bool told_not_op, told_need_params;
	unsigned listed;     /* bit per mask_kinds[] entry already listed */
	unsigned nparam_modes; /* parameter changes tried, for MODES_PER_LINE */
	struct mode_change done[MODES_PER_LINE];
	unsigned ndone;
};

static void line_flush(struct mode_ctx *x, struct mode_line *l)
{
	if (l->mlen)
		send_to_channel(x->s, x->ch, NULL, ":%s MODE %s %s%s", x->c->source, x->ch->name,
				l->modes, l->args);
	l->mlen = l->alen = 0;
	l->modes[0] = l->args[0] = '\0';
	l->dir = 0;
}

static void line_add(struct mode_ctx *x, struct mode_line *l, char dir, char letter,
		     const char *arg)
{
	size_t need = (l->dir != dir) + 1 + (arg ? 1 + strlen(arg) : 0);
	if (l->mlen + l->alen + need > l->room)
		line_flush(x, l);
	if (l->dir != dir)
		l->modes[l->mlen++] = dir;
	l->dir = dir;
	l->modes[l->mlen++] = letter;
	l->modes[l->mlen] = '\0';
	if (arg) {
		size_t left = sizeof l->args - l->alen;
		int n = snprintf(l->args + l->alen, left, " %s", arg);
		if (n > 0)
			l->alen += (size_t)n < left ? (size_t)n : left - 1;
	}
}

/* Flag changes are announced by their net effect (so "+i-i" says
 * nothing), then the parameter changes in the order they happened. */
static void announce(struct mode_ctx *x, unsigned old_flags)
{
	struct mode_line l;
	/* Fixed part: ":<source> MODE <chan> " */
	size_t fixed = strlen(x->c->source) + strlen(x->ch->name) + 8;
	l.room = fixed < IRC_LINE_CONTENT_MAX ? IRC_LINE_CONTENT_MAX - fixed : 0;
	l.mlen = l.alen = 0;
	l.modes[0] = l.args[0] = '\0';
	l.dir = 0;

	unsigned now = x->ch->modes;
	for (size_t i = 0; i < NELEM(chan_flags); i++)
		if (chan_flags[i].bit & now & ~old_flags)
			line_add(x, &l, '+', chan_flags[i].letter, NULL);
	for (size_t i = 0; i < NELEM(chan_flags); i++)
		if (chan_flags[i].bit & old_flags & ~now)
			line_add(x, &l, '-', chan_flags[i].letter, NULL);
	for (unsigned i = 0; i < x->ndone; i++) {
		const struct mode_change *d = &x->done[i];
		line_add(x, &l, d->dir, d->letter, d->arg[0] ? d->arg : NULL);
	}
	line_flush(x, &l);
}

static void record(struct mode_ctx *x, char dir, char letter, const char *arg)
{
	if (x->ndone == MODES_PER_LINE)
		return; /* cannot happen: param_budget caps the changes */
	struct mode_change *d = &x->done[x->ndone++];
	d->dir = dir;
	d->letter = letter;
	str_copy(d->arg, sizeof d->arg, arg ? arg : "");
}

/* ---- channel modes: the checks every change goes through ---- */

static const char *take_arg(struct mode_ctx *x)
{
	return x->next_arg < x->m->nparams ? x->m->params[x->next_arg++] : NULL;
}

/* RFC 2812 5.2 ERR_CHANOPRIVSNEEDED: only channel operators change modes
 * (a non-member is no operator either).  Said once per command. */
static bool may_change(struct mode_ctx *x)
{
	if (x->is_op)
		return true;
	if (!x->told_not_op)
		send_numeric(x->s, x->c, ERR_CHANOPRIVSNEEDED, "%s :You're not channel operator",
			     x->ch->name);
	x->told_not_op = true;
	return false;
}

/* o, v, k and +l need a parameter; without one: 461, once per command. */
static bool have_arg(struct mode_ctx *x, const char *arg)
{
	if (arg)
		return true;
	if (!x->told_need_params)
		send_numeric(x->s, x->c, ERR_NEEDMOREPARAMS, "MODE :Not enough parameters");
	x->told_need_params = true;
	return false;
}

/* RFC 2812 3.2.3: "there is a maximum limit of three (3) changes per
 * command for modes that take a parameter"; we allow MODES_PER_LINE (as
 * ISUPPORT MODES says) and silently drop the rest, as servers do. */
static bool param_budget(struct mode_ctx *x)
{
	return x->nparam_modes++ < MODES_PER_LINE;
}

/* A key, mask or limit is sent on as a middle parameter, so it must not
 * be empty, start with ':' or hold a space (a trailing one could). */
static bool middle_param_ok(const char *a)
{
	return a[0] && a[0] != ':' && !strchr(a, ' ');
}

/* ---- channel modes: each letter ---- */

/* RFC 1459 4.2.3.1 'o' and 'v': "give/take channel operator privileges",
 * "give/take the ability to speak on a moderated channel". */
static void member_mode(struct mode_ctx *x, char dir, char letter)
{
	const char *nick = take_arg(x);
	if (!may_change(x) || !have_arg(x, nick) || !param_budget(x))
		return;
	struct client *target = client_find(x->s, nick);
	if (!target) {
		send_numeric(x->s, x->c, ERR_NOSUCHNICK, "%s :No such nick/channel", nick);
		return;
	}
	struct member *tm = chan_member(x->ch, target);
	if (!tm) {
		send_numeric(x->s, x->c, ERR_USERNOTINCHANNEL, "%s %s :They aren't on that channel",
			     target->nick, x->ch->name);
		return;
	}
	unsigned char bit = letter == 'o' ? MEMBER_OP : MEMBER_VOICE;
	unsigned char flags = dir == '+' ? (tm->flags | bit) : (tm->flags & ~bit);
	if (flags == tm->flags)
		return; /* already so: nothing to announce */
	tm->flags = flags;
	record(x, dir, letter, target->nick);
}

/* Bans are stored as full masks so matching has one shape: "nick" ->
 * "nick!*@*", "user@host" -> "*!user@host", "nick!user" -> "nick!user@*"
 * (the usual ircd expansion).  False if the mask is unusable. */
static bool ban_mask_normalise(char *out, size_t n, const char *in)
{
	if (!middle_param_ok(in))
		return false;
	bool bang = strchr(in, '!') != NULL, at = strchr(in, '@') != NULL;
	int len;
	if (bang && at)
		len = snprintf(out, n, "%s", in);
	else if (at)
		len = snprintf(out, n, "*!%s", in);
	else if (bang)
		len = snprintf(out, n, "%s@*", in);
	else
		len = snprintf(out, n, "%s!*@*", in);
	return len > 0 && (size_t)len < n;
}

/* The mask lists: bans 'b' (RFC 2812 3.2.3), and the exception 'e' and
 * invitation 'I' masks of RFC 2811 4.3 (ISUPPORT EXCEPTS and INVEX),
 * each listed and changed alike. */
struct mask_kind {
	char letter;
	int rpl_item, rpl_end;
	const char *end_text;
};

static const struct mask_kind mask_kinds[] = {
	{'b', RPL_BANLIST, RPL_ENDOFBANLIST, "End of channel ban list"},
	{'e', RPL_EXCEPTLIST, RPL_ENDOFEXCEPTLIST, "End of channel exception list"},
	{'I', RPL_INVITELIST, RPL_ENDOFINVITELIST, "End of channel invite list"},
};

/* The channel's list for a kind, and its length. */
static struct ban **mask_head(struct channel *ch, const struct mask_kind *k, unsigned **count)
{
	switch (k->letter) {
	case 'e':
		*count = &ch->nexcepts;
		return &ch->excepts;
	case 'I':
		*count = &ch->ninvexes;
		return &ch->invexes;
	default:
		*count = &ch->nbans;
		return &ch->bans;
	}
}

/* RFC 2812 5.1: one 367 (348, 346) per mask, then 368 (349, 347), which
 * "MUST be sent" even for an empty list.  Listed once however often the
 * letter is asked for. */
static void list_masks(struct mode_ctx *x, const struct mask_kind *k)
{
	unsigned bit = 1u << (k - mask_kinds), *count;
	if (x->listed & bit)
		return;
	x->listed |= bit;
	for (const struct ban *b = *mask_head(x->ch, k, &count); b; b = b->next)
		send_numeric(x->s, x->c, k->rpl_item, "%s %s %s %lld", x->ch->name, b->mask,
			     b->setter, (long long)b->when);
	send_numeric(x->s, x->c, k->rpl_end, "%s :%s", x->ch->name, k->end_text);
}

/* Returns true if the mask was added (false: present already, list full
 * or out of memory).  New masks go last so the list reads in order set. */
static bool mask_add(struct mode_ctx *x, const struct mask_kind *k, const char *mask)
{
	unsigned *count;
	struct ban **tail = mask_head(x->ch, k, &count);
	for (; *tail; tail = &(*tail)->next)
		if (irc_casecmp((*tail)->mask, mask) == 0)
			return false;
	if (*count >= MAXBANS) {
		send_numeric(x->s, x->c, ERR_BANLISTFULL, "%s %c :Channel list is full",
			     x->ch->name, k->letter);
		return false;
	}
	struct ban *b = calloc(1, sizeof *b);
	if (!b || !(b->mask = strdup(mask))) {
		free(b);
		return false;
	}
	str_copy(b->setter, sizeof b->setter, x->c->nick);
	b->when = x->s->now;
	*tail = b;
	(*count)++;
	return true;
}

static bool mask_del(struct channel *ch, const struct mask_kind *k, const char *mask)
{
	unsigned *count;
	for (struct ban **pp = mask_head(ch, k, &count); *pp; pp = &(*pp)->next) {
		struct ban *b = *pp;
		if (irc_casecmp(b->mask, mask) != 0)
			continue;
		*pp = b->next;
		free(b->mask);
		free(b);
		(*count)--;
		return true;
	}
	return false;
}

/* RFC 2812 3.2.3 example "MODE &oulu +b ; Command to list ban masks":
 * without a mask, 'b' ('e', 'I') lists (anyone may); with one it changes
 * (ops). */
static void mask_mode(struct mode_ctx *x, char dir, const struct mask_kind *k)
{
	const char *arg = take_arg(x);
	if (!arg) {
		list_masks(x, k);
		return;
	}
	if (!may_change(x) || !param_budget(x))
		return;
	char mask[BANMASK_SIZE];
	if (!ban_mask_normalise(mask, sizeof mask, arg))
		return;
	bool changed = dir == '+' ? mask_add(x, k, mask) : mask_del(x->ch, k, mask);
	if (changed)
		record(x, dir, k->letter, mask);
}

/* RFC 1459 4.2.3.1 'k': "set a channel key (password)". */
static void key_mode(struct mode_ctx *x, char dir)
{
	const char *arg = take_arg(x);
	if (!may_change(x) || !have_arg(x, arg) || !param_budget(x))
		return;
	struct channel *ch = x->ch;
	if (dir == '-') {
		/* RFC 2812 3.2.3 "MODE #42 -k oulu": -k names the key, but
		 * like most servers we drop the key whatever word is given. */
		if (ch->key[0]) {
			record(x, '-', 'k', ch->key);
			ch->key[0] = '\0';
		}
		return;
	}
	if (ch->key[0]) {
		send_numeric(x->s, x->c, ERR_KEYSET, "%s :Channel key already set", ch->name);
		return;
	}
	/* A comma would split the key in "JOIN #c key" (RFC 2812 3.2.1), so
	 * such keys are refused; longer ones are cut to KEYLEN. */
	if (!middle_param_ok(arg) || strchr(arg, ','))
		return;
	str_copy(ch->key, sizeof ch->key, arg);
	record(x, '+', 'k', ch->key);
}

/* RFC 1459 4.2.3.1 'l': "set the user limit to channel"; +l takes a
 * positive count, -l none.  A bad count is ignored, as ircds do. */
static void limit_mode(struct mode_ctx *x, char dir)
{
	const char *arg = dir == '+' ? take_arg(x) : NULL;
	if (!may_change(x) || (dir == '+' && !have_arg(x, arg)) || !param_budget(x))
		return;
	struct channel *ch = x->ch;
	if (dir == '-') {
		if (ch->limit) {
			ch->limit = 0;
			record(x, '-', 'l', NULL);
		}
		return;
	}
	char *end;
	errno = 0;
	unsigned long v = strtoul(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno || v == 0 || v > UINT_MAX)
		return;
	if (v == ch->limit)
		return;
	ch->limit = (unsigned)v;
	char num[16];
	snprintf(num, sizeof num, "%u", ch->limit);
	record(x, '+', 'l', num);
}

static void flag_mode(struct mode_ctx *x, char dir, char letter)
{
	unsigned bit = letter_bit(chan_flags, NELEM(chan_flags), letter);
	if (!bit) {
		send_numeric(x->s, x->c, ERR_UNKNOWNMODE, "%c :is unknown mode char to me for %s",
			     letter, x->ch->name);
		return;
	}
	if (!may_change(x))
		return;
	if (dir == '-') {
		x->ch->modes &= ~bit;
		return;
	}
	x->ch->modes |= bit;
	/* RFC 2811 4.2.6: "The channel flags 'p' and 's' MUST NOT both be
	 * set at the same time": the newer one wins, as in RFC 1459 ircds. */
	if (bit == CMODE_SECRET)
		x->ch->modes &= ~CMODE_PRIVATE;
	else if (bit == CMODE_PRIVATE)
		x->ch->modes &= ~CMODE_SECRET;
}

static void chan_mode_letter(struct mode_ctx *x, char dir, char letter)
{
	switch (letter) {
	case 'o':
	case 'v':
		member_mode(x, dir, letter);
		break;
	case 'b':
		mask_mode(x, dir, &mask_kinds[0]);
		break;
	case 'e':
		mask_mode(x, dir, &mask_kinds[1]);
		break;
	case 'I':
		mask_mode(x, dir, &mask_kinds[2]);
		break;
	case 'k':
		key_mode(x, dir);
		break;
	case 'l':
		limit_mode(x, dir);
		break;
	default:
		flag_mode(x, dir, letter);
		break;
	}
}

/* RFC 2812 3.2.3: "<channel> *( ( "-" / "+" ) *<modes> *<modeparams> )":
 * a mode word takes its parameters from the words after it, and another
 * mode word may follow them ("+o a -v b").  Leftovers that do not start
 * with a sign are ignored, as other servers ignore extra parameters. */
static void chan_mode_parse(struct mode_ctx *x)
{
	int i = 1;
	while (i < x->m->nparams) {
		char dir = '+'; /* "MODE #c b" lists bans like "+b" */
		x->next_arg = i + 1;
		for (const char *p = x->m->params[i]; *p; p++) {
			if (*p == '+' || *p == '-')
				dir = *p;
			else
				chan_mode_letter(x, dir, *p);
		}
		i = x->next_arg;
		if (i < x->m->nparams && x->m->params[i][0] != '+' && x->m->params[i][0] != '-')
			break;
	}
}

/* RFC 2812 5.1 RPL_CHANNELMODEIS "<channel> <mode> <mode params>", then
 * the modern 329 (creation time).  Key and limit values are members' to
 * know; outsiders see only that they are set. */
static void chan_mode_query(struct server *s, struct client *c, const struct channel *ch)
{
	bool inside = chan_member(ch, c) != NULL;
	char modes[NELEM(chan_flags) + 4]; /* '+', flags, 'k', 'l', NUL */
	char key_arg[KEYLEN + 2] = "", limit_arg[16] = "";

	modes[0] = '+';
	size_t n = put_letters(modes, 1, sizeof modes, chan_flags, NELEM(chan_flags), ch->modes);
	if (ch->key[0]) {
		modes[n++] = 'k';
		if (inside)
			snprintf(key_arg, sizeof key_arg, " %s", ch->key);
	}
	if (ch->limit) {
		modes[n++] = 'l';
		if (inside)
			snprintf(limit_arg, sizeof limit_arg, " %u", ch->limit);
	}
	modes[n] = '\0';
	send_numeric(s, c, RPL_CHANNELMODEIS, "%s %s%s%s", ch->name, modes, key_arg, limit_arg);
	send_numeric(s, c, RPL_CREATIONTIME, "%s %lld", ch->name, (long long)ch->created);
}

static void channel_mode(struct server *s, struct client *c, const struct irc_msg *m)
{
	struct channel *ch = chan_find(s, m->params[0]);
	if (!ch) {
		send_numeric(s, c, ERR_NOSUCHCHANNEL, "%s :No such channel", m->params[0]);
		return;
	}
	if (m->nparams < 2) {
		chan_mode_query(s, c, ch);
		return;
	}
	const struct member *me = chan_member(ch, c);
	struct mode_ctx x = {
		.s = s, .c = c, .ch = ch, .m = m,
		.is_op = me && (me->flags & MEMBER_OP),
	};
	unsigned old_flags = ch->modes;
	chan_mode_parse(&x);
	announce(&x, old_flags);
}

void h_mode(struct server *s, struct client *c, const struct irc_msg *m)
{
	if (!m->params[0][0]) /* "MODE :" names no target */
		send_numeric(s, c, ERR_NEEDMOREPARAMS, "MODE :Not enough parameters");
	else if (chan_is_name(m->params[0]))
		channel_mode(s, c, m);
	else
		user_mode(s, c, m);
}
