/* portier-probe-config.h: what a probe server listens on and how much it allows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PORTIER_PROBE_DEFAULT_PORT 8080

typedef struct _PortierProbeConfig PortierProbeConfig;

/**
 * PortierProbeConfig:
 *
 * The settings of one probe server. The defaults are safe for a public instance: every
 * limit is on, and no address is trusted as a proxy unless the configuration names it.
 */
struct _PortierProbeConfig
{
  GPtrArray *listen;                       /* of GInetSocketAddress */
  GPtrArray *trusted_proxies;              /* of GInetAddressMask */
  gboolean   allow_private_targets;        /* 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7 */
  gboolean   allow_local_targets;          /* loopback and its own addresses: tests only,
                                            * never from a configuration file */

  /* A client is an IPv4 address or an IPv6 /64 (the block one home network gets); an
   * IPv6 /56 (what one site gets) has a budget of its own on top. */

  /* Token buckets: a burst, refilled at a steady rate. */
  guint      requests_per_minute;          /* per client */
  guint      request_burst;
  guint      prefix_requests_per_minute;   /* per IPv6 /56 */
  guint      prefix_request_burst;

  guint      max_pending_probes;           /* in all */
  guint      max_pending_probes_per_address;
  guint      prefix_max_pending_probes;    /* per IPv6 /56 */
  guint      max_connections;              /* open HTTP connections in all */
  guint      max_connections_per_address;
  guint      prefix_max_connections;       /* per IPv6 /56 */
  guint      max_tracked_addresses;        /* bounds the memory of the rate limiter */
  guint      max_body_bytes;

  guint      connect_timeout_ms;           /* connecting back to the client */
  guint      read_timeout_ms;              /* waiting for the token (TCP) or its echo (UDP) */
  guint      request_timeout_ms;           /* a client has this long to send its request */
};

#define PORTIER_TYPE_PROBE_CONFIG (portier_probe_config_get_type ())

GType               portier_probe_config_get_type        (void) G_GNUC_CONST;
PortierProbeConfig *portier_probe_config_new             (void);
PortierProbeConfig *portier_probe_config_copy            (const PortierProbeConfig *self);
void                portier_probe_config_free            (PortierProbeConfig       *self);
gboolean            portier_probe_config_load_file       (PortierProbeConfig       *self,
                                                          const char               *path,
                                                          GError                  **error);
gboolean            portier_probe_config_load_key_file   (PortierProbeConfig       *self,
                                                          GKeyFile                 *key_file,
                                                          GError                  **error);
gboolean            portier_probe_config_add_listen      (PortierProbeConfig       *self,
                                                          const char               *text,
                                                          GError                  **error);
gboolean            portier_probe_config_add_trusted_proxy (PortierProbeConfig     *self,
                                                            const char             *text,
                                                            GError                **error);
gboolean            portier_probe_config_is_trusted_proxy (const PortierProbeConfig *self,
                                                           GInetAddress             *address);

GInetSocketAddress *portier_probe_parse_listen_address   (const char               *text,
                                                          GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierProbeConfig, portier_probe_config_free)

G_END_DECLS
