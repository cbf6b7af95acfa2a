/* peerread.h - whether the server has read() what a client sent.
 *
 * TCP_NODELAY makes each send its own segment, but a busy server can find
 * two segments in its buffer and take them in one read(): then a line cut
 * between CR and LF, or a chunk boundary a case means to test, never
 * reaches the server as such (under load the split is lost).  On Linux the
 * server's end of a loopback connection can be looked at (sock_diag, as
 * `ss` does, no privilege needed): it has read everything once it has
 * received all the bytes this end sent and holds none unread.  The runner
 * waits for that before sending the next piece of an unfinished line. */
#ifndef IRCSPEC_PEERREAD_H
#define IRCSPEC_PEERREAD_H

/* Waits, until deadline (clock.h's now_ms clock), for the local peer of
 * the TCP socket fd to have read every byte written to fd.  1: it has;
 * 0: not by the deadline; -1: it cannot be told (not Linux, the peer is
 * not on this host, sock_diag unavailable). */
int peer_read_wait(int fd, long deadline);

#endif
