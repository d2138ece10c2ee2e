/* portier-router-local-net-private.h: this computer's side of the network, and where a
 * router may live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* ---- this computer's side of the network (blocking; worker thread) ------------------- */
typedef struct
{
  char     *interface;     /* toward the default gateway */
  char     *gateway;       /* IPv4 default gateway */
  char     *gateway_mac;   /* from the ARP table, or NULL */
  char     *address;       /* this computer's IPv4 address on that interface */
  guint32   network;       /* host order */
  guint32   netmask;       /* host order */
  GPtrArray *addresses6;   /* global IPv6 addresses on that interface (strings) */
} PortierLocalNet;

void             portier_local_net_free           (PortierLocalNet *self);
PortierLocalNet *portier_local_net_read           (const char      *proc_root,
                                                   GError         **error);
gboolean         portier_local_net_parse_route    (const char      *contents,
                                                   char           **interface,
                                                   char           **gateway);
char            *portier_local_net_parse_arp      (const char      *contents,
                                                   const char      *address);
char            *portier_local_net_key            (const PortierLocalNet *self);
char            *portier_local_net_first_ipv6     (const PortierLocalNet *self);
void             portier_local_net_update_mac     (PortierLocalNet       *self,
                                                   const char            *proc_root);

/* ---- where a router may live ------------------------------------------------------------ */
typedef struct
{
  char    *host;    /* an IP literal, without brackets */
  guint16  port;
  gboolean ipv6;
} PortierUrlHost;

gboolean  portier_router_parse_http_url      (const char            *url,
                                              PortierUrlHost        *out);
gboolean  portier_router_location_acceptable (const char            *url,
                                              const PortierLocalNet *net,
                                              const char           **reason);
gboolean  portier_router_same_host           (const char            *url_a,
                                              const char            *url_b);
gboolean  portier_router_location_is_sender  (const char            *location,
                                              const char            *sender);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierLocalNet, portier_local_net_free)

G_END_DECLS
