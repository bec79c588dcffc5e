/*
 * pvctl console's side: attach the terminal (or whatever stdin and
 * stdout are) to a domain's console server (console_server.h).
 *
 * On a terminal, the terminal goes raw for the session, every key goes
 * to the domain, and Ctrl-] detaches; the domain goes on. Otherwise
 * stdin is sent until its end, and the output is copied to stdout until
 * the server closes the connection (the domain has ended): so
 * "printf 'cmd\n' | pvctl console NAME" scripts a session.
 */
#ifndef CONSOLE_CLIENT_H
#define CONSOLE_CLIENT_H

#include <stdbool.h>

#define CONSOLE_DETACH_KEY 0x1d		/* Ctrl-] */

/* Attach to the server of the domain called @name until a detach
 * (*@detached set) or its end: 0, or -ENOENT if no server listens for
 * that name, or another negative errno. */
int console_client_attach(const char *name, bool *detached);

#endif
