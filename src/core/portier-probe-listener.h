/* portier-probe-listener.h: the temporary listener of a reachability test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-port-spec.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_PROBE_LISTENER (portier_probe_listener_get_type ())

G_DECLARE_FINAL_TYPE (PortierProbeListener, portier_probe_listener, PORTIER, PROBE_LISTENER,
                      GObject)

PortierProbeListener *portier_probe_listener_new            (guint16               port,
                                                             PortierProtocol       protocol,
                                                             const char           *token,
                                                             GError              **error);
gboolean              portier_probe_listener_has_family     (PortierProbeListener *self,
                                                             GSocketFamily         family);
guint                 portier_probe_listener_get_n_answered (PortierProbeListener *self);

G_END_DECLS
