/* portier-opener-private.h: the steps of an opening, as the opener drives them
 *
 * portier-opener-steps.c does the firewall and verify steps on the modules that do them;
 * portier-opener.c calls them, never the other way round.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "portier-firewall.h"
#include "portier-opener.h"
#include "portier-probe.h"

G_BEGIN_DECLS

typedef struct
{
  PortierFirewallStatus  status;   /* opened already-open not-needed skipped */
  char                  *backend;
  char                  *zone;
  char                  *command;  /* what the user must run, when Portier cannot */
  GPtrArray             *rule_ids; /* of char*: the rules this step created */
} PortierFirewallStepResult;

void     portier_firewall_step_result_free (PortierFirewallStepResult *self);

void     _portier_firewall_step_open_async   (const PortierOpenOptions  *options,
                                              PortierFirewall           *firewall,
                                              GCancellable              *cancellable,
                                              GAsyncReadyCallback        callback,
                                              gpointer                   user_data);
PortierFirewallStepResult *
         _portier_firewall_step_open_finish  (GAsyncResult              *result,
                                              GError                   **error);
void     _portier_firewall_step_close_async  (const char                *rule_id,
                                              PortierFirewall           *firewall,
                                              gboolean                   interactive,
                                              GCancellable              *cancellable,
                                              GAsyncReadyCallback        callback,
                                              gpointer                   user_data);
gboolean _portier_firewall_step_close_finish (GAsyncResult              *result,
                                              GError                   **error);

void     _portier_verify_step_async          (const PortierPortSpec     *spec,
                                              guint16                    external_port,
                                              PortierProbe              *probe,
                                              const char                *probe_server,
                                              GCancellable              *cancellable,
                                              GAsyncReadyCallback        callback,
                                              gpointer                   user_data);
PortierVerifyStatus
         _portier_verify_step_finish         (GAsyncResult              *result,
                                              char                     **public_address,
                                              GError                   **not_run,
                                              GError                   **error);
gboolean _portier_verify_step_reached        (GAsyncResult              *result,
                                              GSocketFamily              family);

/* How long a PORTIER_DURATION_UNTIL opening lasts: the firewall's timeout, the router's
 * lease (clamped to what routers take). */
guint    _portier_open_options_until_seconds (const PortierOpenOptions  *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierFirewallStepResult, portier_firewall_step_result_free)

G_END_DECLS
