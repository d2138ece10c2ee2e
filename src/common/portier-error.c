/* portier-error.c: the one error domain of Portier
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-error"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "portier-error.h"

#define DBUS_PREFIX "io.github.portier_app.Portier.Error."

static const GDBusErrorEntry error_entries[] = {
  { PORTIER_ERROR_FAILED, DBUS_PREFIX "Failed" },
  { PORTIER_ERROR_INVALID_ARGUMENT, DBUS_PREFIX "InvalidArgument" },
  { PORTIER_ERROR_INVALID_PORT_SPEC, DBUS_PREFIX "InvalidPortSpec" },
  { PORTIER_ERROR_NOT_AUTHORIZED, DBUS_PREFIX "NotAuthorized" },
  { PORTIER_ERROR_AUTHORIZATION_DISMISSED, DBUS_PREFIX "AuthorizationDismissed" },
  { PORTIER_ERROR_NOT_FOUND, DBUS_PREFIX "NotFound" },
  { PORTIER_ERROR_NOT_SUPPORTED, DBUS_PREFIX "NotSupported" },
  { PORTIER_ERROR_TIMED_OUT, DBUS_PREFIX "TimedOut" },
  { PORTIER_ERROR_CANCELLED, DBUS_PREFIX "Cancelled" },
  { PORTIER_ERROR_FIREWALL_FAILED, DBUS_PREFIX "FirewallFailed" },
  { PORTIER_ERROR_FIREWALL_PANIC_MODE, DBUS_PREFIX "FirewallPanicMode" },
  { PORTIER_ERROR_FIREWALL_UNAVAILABLE, DBUS_PREFIX "FirewallUnavailable" },
  { PORTIER_ERROR_ROUTER_NOT_FOUND, DBUS_PREFIX "RouterNotFound" },
  { PORTIER_ERROR_ROUTER_REFUSED, DBUS_PREFIX "RouterRefused" },
  { PORTIER_ERROR_ROUTER_CONFLICT, DBUS_PREFIX "RouterConflict" },
  { PORTIER_ERROR_ROUTER_SECURE_MODE, DBUS_PREFIX "RouterSecureMode" },
  { PORTIER_ERROR_ROUTER_PORT_RESTRICTED, DBUS_PREFIX "RouterPortRestricted" },
  { PORTIER_ERROR_ROUTER_TABLE_FULL, DBUS_PREFIX "RouterTableFull" },
  { PORTIER_ERROR_ROUTER_DISCONNECTED, DBUS_PREFIX "RouterDisconnected" },
  { PORTIER_ERROR_PROBE_UNAVAILABLE, DBUS_PREFIX "ProbeUnavailable" },
  { PORTIER_ERROR_PROBE_RATE_LIMITED, DBUS_PREFIX "ProbeRateLimited" },
  { PORTIER_ERROR_STATE_CORRUPT, DBUS_PREFIX "StateCorrupt" },
  { PORTIER_ERROR_ROUTER_CARRIER_NAT, DBUS_PREFIX "RouterCarrierNat" },
  { PORTIER_ERROR_ROUTER_DOUBLE_NAT, DBUS_PREFIX "RouterDoubleNat" },
  { PORTIER_ERROR_ROUTER_NO_PUBLIC_ADDRESS, DBUS_PREFIX "RouterNoPublicAddress" },
  { PORTIER_ERROR_LIMIT_REACHED, DBUS_PREFIX "LimitReached" },
  { PORTIER_ERROR_FIREWALL_IPTABLES, DBUS_PREFIX "FirewallIptables" },
  { PORTIER_ERROR_PROBE_PRIVATE_SOURCE, DBUS_PREFIX "ProbePrivateSource" },
  { PORTIER_ERROR_PROBE_MISCONFIGURED, DBUS_PREFIX "ProbeMisconfigured" },
  { PORTIER_ERROR_PROBE_TARGET_REFUSED, DBUS_PREFIX "ProbeTargetRefused" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (error_entries) == PORTIER_ERROR_N_ERRORS);

GQuark
portier_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("portier-error-quark",
                                      &quark,
                                      error_entries,
                                      G_N_ELEMENTS (error_entries));
  return (GQuark) quark;
}

const char *
portier_error_to_dbus_name (PortierError code)
{
  if ((guint) code >= G_N_ELEMENTS (error_entries))
    return NULL;

  return error_entries[code].dbus_error_name;
}

/**
 * portier_error_describe:
 * @code: an error code
 *
 * Returns: (transfer none): a translated sentence a person understands, chosen by the
 *   code alone. Raw library messages are for logs; this is for people.
 */
const char *
portier_error_describe (PortierError code)
{
  switch (code)
    {
    case PORTIER_ERROR_INVALID_ARGUMENT:
      return _("Portier was given something it cannot use. Nothing was changed.");
    case PORTIER_ERROR_INVALID_PORT_SPEC:
      return _("That is not a port Portier can open. A port is a number from 1 to 65535.");
    case PORTIER_ERROR_NOT_AUTHORIZED:
      return _("You are not allowed to change this computer’s firewall. "
               "Ask the person who manages this computer.");
    case PORTIER_ERROR_AUTHORIZATION_DISMISSED:
      return _("The password request was closed, so nothing was changed. "
               "You can try again whenever you like.");
    case PORTIER_ERROR_NOT_FOUND:
      return _("Portier could not find that. It may already be closed.");
    case PORTIER_ERROR_NOT_SUPPORTED:
      return _("This computer does not support that yet.");
    case PORTIER_ERROR_TIMED_OUT:
      return _("There was no answer in time. Check that you are connected and try again.");
    case PORTIER_ERROR_CANCELLED:
      return _("Stopped. Nothing was left half-done.");
    case PORTIER_ERROR_FIREWALL_FAILED:
      return _("This computer’s firewall would not accept the change. Nothing was changed.");
    case PORTIER_ERROR_FIREWALL_PANIC_MODE:
      return _("This computer’s firewall is blocking all connections right now (panic mode). "
               "Turn panic mode off first.");
    case PORTIER_ERROR_FIREWALL_UNAVAILABLE:
      return _("Portier cannot reach this computer’s firewall. "
               "It will show you the command to run instead.");
    case PORTIER_ERROR_ROUTER_NOT_FOUND:
      return _("Your router did not answer. It may have automatic port forwarding "
               "(UPnP or NAT-PMP) switched off.");
    case PORTIER_ERROR_ROUTER_REFUSED:
      return _("Your router answered but refused to forward the port.");
    case PORTIER_ERROR_ROUTER_CONFLICT:
      return _("Another device in your home already uses this port on your router. "
               "Portier will not take it away; it can use a different outside port instead.");
    case PORTIER_ERROR_ROUTER_SECURE_MODE:
      return _("Your router only lets each device forward ports for itself, and refused this "
               "request. Check the router’s UPnP settings.");
    case PORTIER_ERROR_ROUTER_PORT_RESTRICTED:
      return _("Your router does not forward ports below 1024 automatically. "
               "Choose a higher outside port, or set the forward up in the router’s settings.");
    case PORTIER_ERROR_ROUTER_TABLE_FULL:
      return _("Your router’s list of forwarded ports is full. Close ports you no longer "
               "need, or restart the router.");
    case PORTIER_ERROR_ROUTER_DISCONNECTED:
      return _("Your router is not connected to the internet right now.");
    case PORTIER_ERROR_PROBE_UNAVAILABLE:
      return _("The test from the internet could not be run: the test server did not answer.");
    case PORTIER_ERROR_PROBE_RATE_LIMITED:
      return _("The test server is busy. Wait a minute and test again.");
    case PORTIER_ERROR_STATE_CORRUPT:
      return _("Portier’s record of what it opened was damaged. It started a fresh one.");
    case PORTIER_ERROR_LIMIT_REACHED:
      return _("Portier keeps too many openings already. Close some you no longer need, "
               "then try again.");
    case PORTIER_ERROR_ROUTER_CARRIER_NAT:
      return _("Your internet provider shares one internet address among many homes "
               "(carrier-grade NAT), so no setting in your router can let others reach this "
               "computer. Ask your provider for a public IPv4 address, or use IPv6.");
    case PORTIER_ERROR_ROUTER_DOUBLE_NAT:
      return _("Your router is connected behind a second router (double NAT), so the port "
               "must be forwarded on both. Forward it on the other router too, or switch one "
               "of them to bridge mode.");
    case PORTIER_ERROR_ROUTER_NO_PUBLIC_ADDRESS:
      return _("Your router has no public internet address right now, so it cannot forward "
               "ports. Restart the router, or ask your internet provider.");
    case PORTIER_ERROR_FIREWALL_IPTABLES:
      return _("This computer’s firewall is managed with iptables, and Portier does not "
               "change it. Nothing was changed. Allow the port with the tool that manages "
               "your firewall.");
    case PORTIER_ERROR_PROBE_PRIVATE_SOURCE:
      return _("The test from the internet could not be run: the test server saw this "
               "computer’s request arrive from an address inside a private network, and it "
               "only tests addresses on the internet. Either the test server is inside your "
               "own network, or your connection reaches the internet through another "
               "private network first. Use a test server on the internet.");
    case PORTIER_ERROR_PROBE_MISCONFIGURED:
      return _("The test from the internet could not be run: the test server cannot tell "
               "which internet address the request came from. It is set up wrongly, or it "
               "runs on this computer. Use another test server, or tell whoever runs this "
               "one.");
    case PORTIER_ERROR_PROBE_TARGET_REFUSED:
      return _("The test from the internet could not be run: the test server will not test "
               "the address this computer’s request came from. Use another test server.");
    case PORTIER_ERROR_FAILED:
    default:
      return _("Something went wrong. Nothing was left half-done.");
    }
}

/**
 * portier_error_user_message:
 * @error: any error
 *
 * Returns: (transfer none): the sentence to show for @error. Errors from other domains
 *   map onto the nearest Portier code.
 */
const char *
portier_error_user_message (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == PORTIER_ERROR)
    return portier_error_describe ((PortierError) error->code);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return portier_error_describe (PORTIER_ERROR_CANCELLED);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return portier_error_describe (PORTIER_ERROR_TIMED_OUT);
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
    return portier_error_describe (PORTIER_ERROR_NOT_AUTHORIZED);

  return portier_error_describe (PORTIER_ERROR_FAILED);
}
