/* portier-probe-client.h: the reachability self-test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-port-spec.h"
#include "portier-probe-report.h"

G_BEGIN_DECLS

/* The public port-check service Transmission uses (TCP only): the test when no Portier
 * probe server is configured. */
#define PORTIER_PROBE_FALLBACK_URL "transmission+https://portcheck.transmissionbt.com/"
#define PORTIER_PROBE_DEFAULT_TIMEOUT_MS 15000
#define PORTIER_PROBE_SETTINGS_SCHEMA "io.github.portier_app.Portier"
#define PORTIER_PROBE_SETTINGS_KEY "probe-server"

#define PORTIER_TYPE_PROBE_CLIENT (portier_probe_client_get_type ())

G_DECLARE_FINAL_TYPE (PortierProbeClient, portier_probe_client, PORTIER, PROBE_CLIENT, GObject)

PortierProbeClient *portier_probe_client_new                 (const char          *server_url);
const char         *portier_probe_client_get_server_url      (PortierProbeClient  *self);
gboolean            portier_probe_client_is_fallback         (PortierProbeClient  *self);
guint               portier_probe_client_get_timeout         (PortierProbeClient  *self);
void                portier_probe_client_set_timeout         (PortierProbeClient  *self,
                                                              guint                timeout_ms);
void                portier_probe_client_check_async         (PortierProbeClient  *self,
                                                              const PortierPortSpec *spec,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
PortierProbeReport *portier_probe_client_check_finish        (PortierProbeClient  *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
void                portier_probe_client_get_address_async   (PortierProbeClient  *self,
                                                              GSocketFamily        family,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
char               *portier_probe_client_get_address_finish  (PortierProbeClient  *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

char               *portier_probe_client_get_configured_server (void);
gboolean            portier_probe_client_validate_url        (const char          *url,
                                                              GError             **error);
char               *portier_probe_client_make_token          (void);

G_END_DECLS
