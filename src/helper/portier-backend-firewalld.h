/* portier-backend-firewalld.h: firewalld, changed over its D-Bus API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "portier-backend.h"

G_BEGIN_DECLS

#define PORTIER_FIREWALLD_BUS_NAME "org.fedoraproject.FirewallD1"
#define PORTIER_FIREWALLD_PATH "/org/fedoraproject/FirewallD1"
#define PORTIER_FIREWALLD_INTERFACE "org.fedoraproject.FirewallD1"

#define PORTIER_TYPE_BACKEND_FIREWALLD (portier_backend_firewalld_get_type ())

G_DECLARE_FINAL_TYPE (PortierBackendFirewalld, portier_backend_firewalld,
                      PORTIER, BACKEND_FIREWALLD, GObject)

PortierBackendFirewalld *portier_backend_firewalld_new        (GDBusConnection          *bus);
gboolean                 portier_backend_firewalld_is_running (GDBusConnection          *bus);
gboolean                 portier_backend_firewalld_panic_mode (PortierBackendFirewalld  *self,
                                                               gboolean                 *panic,
                                                               GError                  **error);
char                    *portier_backend_firewalld_get_zone   (PortierBackendFirewalld  *self,
                                                               const char               *requested,
                                                               GError                  **error);
gboolean                 portier_backend_firewalld_reapply    (PortierBackendFirewalld  *self,
                                                               const PortierRule        *rule,
                                                               guint32                   timeout,
                                                               GStrv                    *out_ours,
                                                               GError                  **error);

char                    *portier_default_route_interface      (const char               *route,
                                                               const char               *ipv6_route);

G_END_DECLS
