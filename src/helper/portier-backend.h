/* portier-backend.h: one kind of firewall the helper can change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-port-spec.h"
#include "portier-rule.h"

G_BEGIN_DECLS

typedef enum
{
  PORTIER_PORT_STATUS_UNKNOWN,
  PORTIER_PORT_STATUS_OPEN,
  PORTIER_PORT_STATUS_BLOCKED,
} PortierPortStatus;

typedef enum
{
  PORTIER_OPEN_OPENED,        /* a rule was made; the rule holds what to remove */
  PORTIER_OPEN_ALREADY_OPEN,  /* a rule made outside Portier already lets the port in */
  PORTIER_OPEN_NOT_NEEDED,    /* nothing blocks the port */
} PortierOpenStatus;

#define PORTIER_TYPE_BACKEND (portier_backend_get_type ())

G_DECLARE_INTERFACE (PortierBackend, portier_backend, PORTIER, BACKEND, GObject)

/**
 * PortierBackendInterface:
 * @query: whether the firewall lets the ports of @spec in (one protocol)
 * @open: lets @rule's ports in; fills in what it added, so that @close removes that
 * @close: removes what @open added for @rule, and nothing else; a rule that is already
 *   gone is not an error
 * @exists: whether what @open added for @rule is still there
 *
 * Every method blocks: the helper calls them on its worker thread, one at a time.
 */
struct _PortierBackendInterface
{
  GTypeInterface parent_iface;

  const char        *(*get_name)  (PortierBackend         *self);
  PortierPortStatus  (*query)     (PortierBackend         *self,
                                   const PortierPortSpec  *spec,
                                   const char             *zone,
                                   char                  **out_zone,
                                   GError                **error);
  gboolean           (*open)      (PortierBackend         *self,
                                   PortierRule            *rule,
                                   PortierOpenStatus      *status,
                                   GError                **error);
  gboolean           (*close)     (PortierBackend         *self,
                                   const PortierRule      *rule,
                                   GError                **error);
  gboolean           (*exists)    (PortierBackend         *self,
                                   const PortierRule      *rule,
                                   gboolean               *exists,
                                   GError                **error);
};

const char         *portier_backend_get_name          (PortierBackend         *self);
PortierPortStatus   portier_backend_query             (PortierBackend         *self,
                                                       const PortierPortSpec  *spec,
                                                       const char             *zone,
                                                       char                  **out_zone,
                                                       GError                **error);
gboolean            portier_backend_open              (PortierBackend         *self,
                                                       PortierRule            *rule,
                                                       PortierOpenStatus      *status,
                                                       GError                **error);
gboolean            portier_backend_close             (PortierBackend         *self,
                                                       const PortierRule      *rule,
                                                       GError                **error);
gboolean            portier_backend_exists            (PortierBackend         *self,
                                                       const PortierRule      *rule,
                                                       gboolean               *exists,
                                                       GError                **error);

const char         *portier_port_status_to_string     (PortierPortStatus       status);
const char         *portier_open_status_to_string     (PortierOpenStatus       status);

PortierBackend     *portier_backend_detect            (GDBusConnection        *system_bus,
                                                       char                  **out_name,
                                                       GError                **error);
PortierBackend     *portier_backend_new_for_name      (GDBusConnection        *system_bus,
                                                       const char             *name);

G_END_DECLS
