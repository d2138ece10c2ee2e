/* portier-router-ssdp-private.h: the SSDP search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-router-local-net-private.h"

G_BEGIN_DECLS

/* ---- SSDP -------------------------------------------------------------------------------- */
typedef struct
{
  char *location;
  char *st;
  char *usn;
  char *from;       /* the address the reply came from */
} PortierSsdpReply;

void              portier_ssdp_reply_free   (PortierSsdpReply *self);
PortierSsdpReply *portier_ssdp_parse_reply  (const char       *data,
                                             gsize             length);
GPtrArray        *portier_ssdp_search       (const PortierLocalNet *net,
                                             gboolean          ipv6,
                                             guint            *stage,
                                             const GPtrArray  *tried,
                                             GCancellable     *cancellable,
                                             GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierSsdpReply, portier_ssdp_reply_free)

G_END_DECLS
