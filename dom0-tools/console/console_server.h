/*
 * The console server: the dom0 backend of one domain's PV console
 * (keel/io/console.h), a process of its own that pvctl's monitor starts
 * before the domain's first instruction and stops once the domain has
 * shut down, so that the last output is in.
 *
 *  - It binds the domain's console port and copies the ring through
 *    /dev/keel/gntdev (console_ring.h), never mapping it.
 *  - Everything the domain writes goes to CONSOLE_LOG_DIR/console-NAME.log,
 *    and to every client attached to CONSOLE_SOCKET_DIR/console-NAME.sock;
 *    a new client first gets the last CONSOLE_BACKLOG bytes.
 *  - What clients send is the domain's input.
 *
 * pvctl console is such a client (console_client.h).
 */
#ifndef CONSOLE_SERVER_H
#define CONSOLE_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CONSOLE_LOG_DIR     "/var/log/keel"
#define CONSOLE_SOCKET_DIR  "/run/keel"
#define CONSOLE_BACKLOG     16384	/* bytes replayed to a new client */
#define CONSOLE_CLIENTS_MAX 8

/* Write all of @buf to @fd (retrying short writes): 0 or a negative
 * errno. The server's and pvctl console's. */
int console_write_all(int fd, const char *buf, size_t len);

/* CONSOLE_SOCKET_DIR "/console-NAME.sock" */
void console_socket_path(const char *name, char *out, size_t size);

/* Start the server of domain @domid, called @name, as a child of this
 * process, and return once it has bound the port and listens: 0 with
 * its pid in @pid, or a negative errno (then no server runs). A server
 * ends by itself if this process dies or the domain is gone. */
int console_server_start(const char *name, uint16_t domid, pid_t *pid);

/* Ask the server to take the last output and end, and wait for it:
 * 0, or -ETIMEDOUT (then it has been killed). */
int console_server_stop(pid_t pid);

#endif
