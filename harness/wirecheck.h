/* wirecheck.h - is a line the server sent a well-formed IRC line?
 *
 * RFC 2812 2.3: "IRC messages are always lines of characters terminated
 * with a CR-LF (Carriage Return - Line Feed) pair, and these messages SHALL
 * NOT exceed 512 characters in length, counting all characters including
 * the trailing CR-LF"; 2.3.1: no NUL, CR or LF inside a message.  Every
 * case checks every line it receives against this (a server that emits a
 * 600-byte NAMES line fails whichever case saw it); so does the fuzzer. */
#ifndef IRCSPEC_WIRECHECK_H
#define IRCSPEC_WIRECHECK_H

#include <stddef.h>

/* What the session notes (a transcript event) when a line ends in LF
 * alone after the connection's lines ended in CR LF: an LF inside a line
 * has cut it in two (the fuzzer's oracle looks for it too). */
#define WIRE_LF_INSIDE "a line ended by LF alone after lines ended by CR LF: an LF " \
		       "inside a line (RFC 2812 2.3.1)"

/* Longest content of a line, without its CR LF. */
#define WIRE_CONTENT_MAX 510

/* p[0..n) is one received line without its final CR LF (or LF).  IRCv3
 * message tags (`@...` up to the first space) are not counted, as they
 * have their own limit.  Returns 0, or -1 with why describing the first
 * fault found. */
int wire_check_line(const char *p, size_t n, char *why, size_t whysz);

struct irc_msg;

/* RFC 2812 2.4: a numeric reply is "the sender prefix, the three-digit
 * numeric, and the target of the reply" - the client it goes to.  seen is
 * the nick the server's own lines have given this client so far (001's
 * target, then each NICK it announces for it; "" until 001), which m
 * updates.  Returns -1 with why when m is a numeric addressed to another
 * nick than seen ("*" is accepted: servers use it for a client they have
 * not named yet). */
int wire_check_target(const struct irc_msg *m, char *seen, size_t seensz, char *why,
		      size_t whysz);

/* RFC 2812 2.4: "The numeric reply MUST be sent as one message
 * consisting of the sender prefix, the three-digit numeric, and the target
 * of the reply."  Returns -1 with why when m is a numeric without a
 * prefix.  Which prefix is not checked: the server's name, as in its 001,
 * is what most send, but ngircd 26 sends 341 RPL_INVITING from the
 * invited user (":nick!user@host 341 ..."), and a check of the name would
 * fail every case on it that invites, whatever the case is about. */
int wire_check_prefix(const struct irc_msg *m, char *why, size_t whysz);

#endif
