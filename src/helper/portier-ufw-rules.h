/* portier-ufw-rules.h: read ufw's rule files, and judge them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "portier-port-spec.h"

G_BEGIN_DECLS

typedef struct
{
  char      *action;      /* allow, deny, reject or limit (without a _log suffix) */
  char      *protocol;    /* tcp, udp, any, ... */
  char      *dport;
  char      *dst;
  char      *sport;
  char      *src;
  gboolean   app;         /* an application profile rule */
  gboolean   forward;     /* a route rule */
  char      *direction;   /* in or out, with _IFACE when it names an interface */
  char      *comment;     /* decoded, or NULL */
} PortierUfwTuple;

GPtrArray  *portier_ufw_parse_rules      (const char             *contents);
gboolean    portier_ufw_tuple_matches    (const PortierUfwTuple  *tuple,
                                          guint16                 port,
                                          PortierProtocol         protocol,
                                          gboolean               *unconditional);
gboolean    portier_ufw_tuple_same_ports (const PortierUfwTuple  *tuple,
                                          const PortierPortSpec  *spec);
gboolean    portier_ufw_lets_in          (GPtrArray              *tuples,
                                          gboolean                default_accept,
                                          guint16                 port,
                                          PortierProtocol         protocol);
char       *portier_ufw_format_ports     (const PortierPortSpec  *spec);
gboolean    portier_ufw_parse_default_accept (const char         *defaults);

G_END_DECLS
