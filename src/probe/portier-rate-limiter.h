/* portier-rate-limiter.h: how much each address may ask of the probe server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-probe-config.h"

G_BEGIN_DECLS

typedef enum
{
  PORTIER_LIMIT_OK,
  PORTIER_LIMIT_RATE,      /* too many requests from this client or its /56: 429 */
  PORTIER_LIMIT_PENDING,   /* too many probes or connections of this client at once: 429 */
  PORTIER_LIMIT_BUSY,      /* the server as a whole is full: 503 */
} PortierLimit;

#define PORTIER_TYPE_RATE_LIMITER (portier_rate_limiter_get_type ())

G_DECLARE_FINAL_TYPE (PortierRateLimiter, portier_rate_limiter, PORTIER, RATE_LIMITER, GObject)

PortierRateLimiter *portier_rate_limiter_new                 (const PortierProbeConfig *config);
PortierLimit        portier_rate_limiter_take_request        (PortierRateLimiter       *self,
                                                              GInetAddress             *address,
                                                              gint64                    now_us,
                                                              guint                    *retry_after);
PortierLimit        portier_rate_limiter_begin_probe         (PortierRateLimiter       *self,
                                                              GInetAddress             *address,
                                                              gint64                    now_us);
void                portier_rate_limiter_end_probe           (PortierRateLimiter       *self,
                                                              GInetAddress             *address);
PortierLimit        portier_rate_limiter_open_connection     (PortierRateLimiter       *self,
                                                              GInetAddress             *address,
                                                              gint64                    now_us);
void                portier_rate_limiter_close_connection    (PortierRateLimiter       *self,
                                                              GInetAddress             *address);
void                portier_rate_limiter_sweep               (PortierRateLimiter       *self,
                                                              gint64                    now_us);
guint               portier_rate_limiter_get_n_pending       (PortierRateLimiter       *self);
guint               portier_rate_limiter_get_n_connections   (PortierRateLimiter       *self);
guint               portier_rate_limiter_get_n_tracked       (PortierRateLimiter       *self);
const char         *portier_limit_to_string                  (PortierLimit              limit);

G_END_DECLS
