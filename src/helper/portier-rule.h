/* portier-rule.h: one firewall rule the helper made
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "portier-port-spec.h"

G_BEGIN_DECLS

typedef struct _PortierRule PortierRule;

struct _PortierRule
{
  char            *id;
  char            *backend;           /* "firewalld", "ufw" or "nftables" */
  guint16          first;
  guint16          last;
  PortierProtocol  protocol;          /* PORTIER_PROTOCOL_TCP or PORTIER_PROTOCOL_UDP */
  char            *zone;              /* firewalld: the zone; else "" */
  char            *label;
  gboolean         permanent;
  gint64           created;           /* Unix time */
  gint64           expires;           /* Unix time, 0 for never */
  guint32          uid;               /* who asked for it */
  char            *boot_id;           /* the boot it was made in */
  char            *owner;             /* while-running rules (neither permanent nor timed):
                                       * the caller's unique bus name; it ends with them */

  /* What exactly was added, so that exactly that is removed. */
  GStrv            nft_handles;       /* nftables: "FAMILY TABLE CHAIN HANDLE" */
  GStrv            runtime_ranges;    /* firewalld: "8000-8004" added to the runtime */
  GStrv            permanent_ranges;  /* firewalld: added to the permanent configuration */
};

#define PORTIER_TYPE_RULE (portier_rule_get_type ())

GType         portier_rule_get_type   (void) G_GNUC_CONST;
PortierRule  *portier_rule_new        (void);
PortierRule  *portier_rule_copy       (const PortierRule *self);
void          portier_rule_free       (PortierRule       *self);
char         *portier_rule_get_tag    (const PortierRule *self);
GVariant     *portier_rule_to_variant (const PortierRule *self);
gboolean      portier_rule_is_while_running (const PortierRule *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierRule, portier_rule_free)

G_END_DECLS
