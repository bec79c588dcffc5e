/*
 * 16550 UART console. The port comes from `console=` (com1 to com4, or a
 * hex I/O port); the line runs at 115200 8N1.
 */
#include <printk.h>
#include <spinlock.h>
#include <asm/cpu.h>
#include <asm/serial.h>

#define UART_THR 0	/* transmit holding */
#define UART_RBR 0	/* receive buffer */
#define UART_IER 1	/* interrupt enable */
#define UART_DLL 0	/* divisor latch, DLAB=1 */
#define UART_DLM 1
#define UART_FCR 2	/* FIFO control */
#define UART_LCR 3	/* line control */
#define UART_MCR 4	/* modem control */
#define UART_LSR 5	/* line status */
#define UART_LSR_THRE 0x20
#define UART_LSR_DR   0x01	/* a received byte is waiting */

static uint16_t serial_port;

uint16_t serial_port_base(void)
{
	return serial_port;
}

static void serial_putc(char c)
{
	/* Bounded wait: a missing UART must not hang the hypervisor. */
	for (unsigned int i = 0; i < 100000; i++)
		if (inb(serial_port + UART_LSR) & UART_LSR_THRE)
			break;
	outb(serial_port + UART_THR, (uint8_t)c);
}

static void serial_write(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			serial_putc('\r');
		serial_putc(text[i]);
	}
}

static int serial_read(void)
{
	if (!(inb(serial_port + UART_LSR) & UART_LSR_DR))
		return -1;
	return inb(serial_port + UART_RBR);
}

static struct console serial_console = {
	.name = "serial",
	.write = serial_write,
	.read = serial_read,
};

void serial_init(uint16_t port)
{
	serial_port = port;
	outb(port + UART_IER, 0x00);
	outb(port + UART_LCR, 0x80);	/* DLAB */
	outb(port + UART_DLL, 1);	/* 115200 baud */
	outb(port + UART_DLM, 0);
	outb(port + UART_LCR, 0x03);	/* 8N1 */
	outb(port + UART_FCR, 0xc7);	/* FIFO on, cleared */
	outb(port + UART_MCR, 0x0b);
	console_register(&serial_console);
}
