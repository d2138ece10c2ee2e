/* portier-prober.h: connects back to a client and tells what answered
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-port-spec.h"
#include "portier-probe-request.h"

G_BEGIN_DECLS

typedef enum
{
  PORTIER_PROBE_VERDICT_REACHABLE,   /* the client's own listener answered with the token */
  PORTIER_PROBE_VERDICT_OPEN,        /* something answered, not with the token */
  PORTIER_PROBE_VERDICT_REFUSED,     /* a reset (TCP) or “port unreachable” (UDP) came back */
  PORTIER_PROBE_VERDICT_TIMEOUT,     /* nothing came back in time */
  PORTIER_PROBE_VERDICT_ERROR,       /* the probe could not be sent */
} PortierProbeVerdict;

#define PORTIER_TYPE_PROBER (portier_prober_get_type ())

G_DECLARE_FINAL_TYPE (PortierProber, portier_prober, PORTIER, PROBER, GObject)

PortierProber       *portier_prober_new            (guint                connect_timeout_ms,
                                                    guint                read_timeout_ms);
void                 portier_prober_run_async      (PortierProber       *self,
                                                    GInetSocketAddress  *target,
                                                    PortierProtocol      protocol,
                                                    const char          *token,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
PortierProbeVerdict  portier_prober_run_finish     (PortierProber       *self,
                                                    GAsyncResult        *result,
                                                    guint               *elapsed_ms,
                                                    const char         **detail,
                                                    GError             **error);
const char          *portier_probe_verdict_to_string (PortierProbeVerdict verdict);
PortierProbeTarget   portier_prober_check_route    (GInetAddress        *target);

G_END_DECLS
