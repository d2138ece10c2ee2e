/* portier-error.h: the one error domain of Portier
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PORTIER_ERROR (portier_error_quark ())

/**
 * PortierError:
 *
 * Every error Portier raises carries one of these codes. The codes are registered as
 * D-Bus error names (`io.github.portier_app.Portier.Error.<Name>`), so an error raised
 * in the privileged helper arrives in the app with the same code. Codes are stable:
 * append new ones at the end, never renumber.
 */
typedef enum
{
  PORTIER_ERROR_FAILED,
  PORTIER_ERROR_INVALID_ARGUMENT,
  PORTIER_ERROR_INVALID_PORT_SPEC,
  PORTIER_ERROR_NOT_AUTHORIZED,
  PORTIER_ERROR_AUTHORIZATION_DISMISSED,
  PORTIER_ERROR_NOT_FOUND,
  PORTIER_ERROR_NOT_SUPPORTED,
  PORTIER_ERROR_TIMED_OUT,
  PORTIER_ERROR_CANCELLED,
  PORTIER_ERROR_FIREWALL_FAILED,
  PORTIER_ERROR_FIREWALL_PANIC_MODE,
  PORTIER_ERROR_FIREWALL_UNAVAILABLE,
  PORTIER_ERROR_ROUTER_NOT_FOUND,
  PORTIER_ERROR_ROUTER_REFUSED,
  PORTIER_ERROR_ROUTER_CONFLICT,
  PORTIER_ERROR_ROUTER_SECURE_MODE,
  PORTIER_ERROR_ROUTER_PORT_RESTRICTED,
  PORTIER_ERROR_ROUTER_TABLE_FULL,
  PORTIER_ERROR_ROUTER_DISCONNECTED,
  PORTIER_ERROR_PROBE_UNAVAILABLE,
  PORTIER_ERROR_PROBE_RATE_LIMITED,
  PORTIER_ERROR_STATE_CORRUPT,
  PORTIER_ERROR_ROUTER_CARRIER_NAT,
  PORTIER_ERROR_ROUTER_DOUBLE_NAT,
  PORTIER_ERROR_ROUTER_NO_PUBLIC_ADDRESS,
  PORTIER_ERROR_LIMIT_REACHED,
  PORTIER_ERROR_FIREWALL_IPTABLES,
  PORTIER_ERROR_PROBE_PRIVATE_SOURCE,
  PORTIER_ERROR_PROBE_MISCONFIGURED,
  PORTIER_ERROR_PROBE_TARGET_REFUSED,
} PortierError;

#define PORTIER_ERROR_N_ERRORS (PORTIER_ERROR_PROBE_TARGET_REFUSED + 1)

GQuark       portier_error_quark        (void);
const char  *portier_error_to_dbus_name (PortierError code);
const char  *portier_error_describe     (PortierError code);
const char  *portier_error_user_message (const GError *error);

G_END_DECLS
