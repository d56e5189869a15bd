// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The static rec: libpcap without its D-Bus capture. Debian's libpcap.a
 * lists D-Bus among its capture sources (pcap.c's table names these two),
 * and libdbus-1.a needs libsystemd, which has no static library. rec never
 * opens a capture (it compiles -f filters on a pcap_open_dead handle), so
 * the D-Bus source is replaced by one that finds no device and opens none:
 * the linker then takes nothing of D-Bus.
 */
#include <stddef.h>

struct pcap_if_list;

int dbus_findalldevs(struct pcap_if_list *devlistp, char *errbuf);
void *dbus_create(const char *device, char *errbuf, int *is_ours);

int dbus_findalldevs(struct pcap_if_list *devlistp, char *errbuf)
{
	return 0;
}

void *dbus_create(const char *device, char *errbuf, int *is_ours)
{
	*is_ours = 0;
	return NULL;
}
