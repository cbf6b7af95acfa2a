/* limits.h - every size limit refircd enforces, with where it comes from.
 * All are checked before data is stored. */
#ifndef REFIRCD_LIMITS_H
#define REFIRCD_LIMITS_H

/* RFC 2812 2.3.1 says nicknames are at most 9 chars but clients "SHOULD"
 * accept longer ones; modern servers advertise more in ISUPPORT NICKLEN. */
#define NICKLEN 30
/* RFC 2812 1.3: "Channels names are strings ... of length up to fifty (50)
 * characters." (including the prefix char) */
#define CHANNELLEN 50
#define USERLEN 10       /* ISUPPORT USERLEN as commonly advertised */
#define HOSTLEN 63       /* RFC 2812 2.3.1: hostname max 63 chars */
#define REALNAMELEN 100
#define TOPICLEN 390     /* as ircu/hybrid advertise; a 332 at the
                            extremes of every other length is cut by send.c */
#define KICKLEN 255
#define AWAYLEN 200
#define KEYLEN 23        /* RFC 2812 3.2.3/ RFC 1459 4.2.3.1 key limit */
#define SERVERNAMELEN 63

#define MAXCHANNELS 50   /* per client; ISUPPORT CHANLIMIT=#&:50; 405 past it */
#define MAXBANS 100      /* per channel and list (b, e, I); ISUPPORT MAXLIST */
/* Pending invitations remembered per channel: the list grows as needed up
 * to this, so that every INVITE answered with 341 lets its user in (real
 * servers keep 40 and more); past it the oldest is forgotten. */
#define MAXINVITES 1024
#define MAXTARGETS 20    /* PRIVMSG/NOTICE/KICK/JOIN list length; 407 past it */
#define MODES_PER_LINE 6 /* parameterised mode changes per MODE; ISUPPORT MODES */
#define USERHOST_MAX 5   /* RFC 2812 4.8: "up to 5 nicknames" */
/* RFC 2812 3.7.1: after a KILL "the server SHOULD add the nickname to the
 * list of unavailable nicknames" (the nick delay of RFC 2813 5.7), so the
 * victim cannot take it straight back: this long, this many at once. */
#define NICK_DELAY_SECS 60
#define NICK_DELAY_SLOTS 16
#define WHOWAS_SIZE 256  /* remembered departures (RFC 2812 3.6.3) */
#define WHOWAS_FIRST 8   /* the ring's first allocation; doubles up to SIZE */

/* Send queue cap: a client that reads slower than it is sent to is dropped
 * with "ERROR :SendQ exceeded" instead of growing us without bound. */
#define SENDQ_MAX (1024 * 1024)

/* Received input waiting to run (paced, or behind a long reply) is held
 * up to RECVQ_MAX; past it the socket is not read (TCP back-pressure).
 * A client that sends more than EXCESS_FLOOD bytes while it is already
 * behind will never catch up: "ERROR :Excess Flood". */
#define RECVQ_MAX (16 * 1024)
#define EXCESS_FLOOD (64 * 1024)

/* RFC 1459 8.10 pacing as refircd runs it by default (main.c): a burst
 * of commands at once, then one per interval. */
#define DEFAULT_FLOOD_INTERVAL_MS 100
#define DEFAULT_FLOOD_BURST 40

#define DEFAULT_PING_INTERVAL 120 /* idle seconds before we PING */
#define DEFAULT_PING_TIMEOUT 60   /* seconds to answer it */
#define REGISTRATION_TIMEOUT 60   /* seconds to finish NICK/USER */

#endif
