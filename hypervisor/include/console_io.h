/* The guests' side of the hypervisor console (common/console_io.c). */
#ifndef KEEL_CONSOLE_IO_H
#define KEEL_CONSOLE_IO_H

struct domain;

/* Log the guest console rate limit in force (once, before domains). */
void console_limits_report(void);
/* A new domain's line buffer and rate limit (a control domain has none). */
void console_domain_init(struct domain *d);
/* An exiting domain: log its unfinished line and what was refused. */
void console_domain_exit(struct domain *d);
/* Start raising VIRQ_CONSOLE when the hypervisor log grows. */
void console_virq_init(void);
/* Give serial input a focus domain and start polling for it
 * (common/console_input.c). */
void console_input_init(void);
/* The domain id that serial input goes to now. */
unsigned int console_input_focus(void);

#endif
