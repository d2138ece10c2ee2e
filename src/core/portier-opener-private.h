/* portier-opener-private.h: the three steps of an opening, as the opener drives them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "portier-opener.h"

G_BEGIN_DECLS

typedef struct
{
  char      *status;      /* opened already-open not-needed */
  char      *backend;
  char      *zone;
  char      *command;     /* what the user must run, when Portier cannot */
  GPtrArray *rule_ids;    /* of char*: the rules this step created */
} PortierFirewallStepResult;

void     portier_firewall_step_result_free (PortierFirewallStepResult *self);

void     _portier_firewall_step_open_async   (const PortierOpenOptions  *options,
                                              GCancellable              *cancellable,
                                              GAsyncReadyCallback        callback,
                                              gpointer                   user_data);
PortierFirewallStepResult *
         _portier_firewall_step_open_finish  (GAsyncResult              *result,
                                              GError                   **error);
void     _portier_firewall_step_close_async  (const char                *rule_id,
                                              gboolean                   interactive,
                                              GCancellable              *cancellable,
                                              GAsyncReadyCallback        callback,
                                              gpointer                   user_data);
gboolean _portier_firewall_step_close_finish (GAsyncResult              *result,
                                              GError                   **error);

/* verify: reachable open unreachable unavailable */
void     _portier_verify_step_async          (const PortierPortSpec     *spec,
                                              guint16                    external_port,
                                              const char                *probe_server,
                                              GCancellable              *cancellable,
                                              GAsyncReadyCallback        callback,
                                              gpointer                   user_data);
char    *_portier_verify_step_finish         (GAsyncResult              *result,
                                              char                     **public_address,
                                              GError                   **not_run,
                                              GError                   **error);
gboolean _portier_verify_step_reached        (GAsyncResult              *result,
                                              GSocketFamily              family);

/* The host firewall as the troubleshooter sees it: open, blocks, unknown. */
void     _portier_firewall_query_async       (const PortierPortSpec     *spec,
                                              GCancellable              *cancellable,
                                              GAsyncReadyCallback        callback,
                                              gpointer                   user_data);
char    *_portier_firewall_query_finish      (GAsyncResult              *result,
                                              char                     **backend,
                                              GError                   **error);

/* How long a PORTIER_DURATION_UNTIL opening lasts: the firewall's timeout, the router's
 * lease (clamped to what routers take). */
guint    _portier_open_options_until_seconds (const PortierOpenOptions  *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierFirewallStepResult, portier_firewall_step_result_free)

G_END_DECLS
