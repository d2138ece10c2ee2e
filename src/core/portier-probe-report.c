/* portier-probe-report.c: what a reachability test found
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-probe"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "portier-error.h"
#include "portier-probe-report.h"

G_DEFINE_BOXED_TYPE (PortierProbeOutcome, portier_probe_outcome,
                     portier_probe_outcome_copy, portier_probe_outcome_free)
G_DEFINE_BOXED_TYPE (PortierProbeReport, portier_probe_report,
                     portier_probe_report_ref, portier_probe_report_unref)

static const char *const result_names[] = {
  [PORTIER_PROBE_RESULT_REACHABLE] = "reachable",
  [PORTIER_PROBE_RESULT_OPEN] = "open",
  [PORTIER_PROBE_RESULT_REFUSED] = "refused",
  [PORTIER_PROBE_RESULT_TIMEOUT] = "timeout",
  [PORTIER_PROBE_RESULT_UNREACHABLE] = "unreachable",
  [PORTIER_PROBE_RESULT_UNVERIFIABLE] = "unverifiable",
  [PORTIER_PROBE_RESULT_UNAVAILABLE] = "unavailable",
  [PORTIER_PROBE_RESULT_SKIPPED] = "skipped",
};

const char *
portier_probe_result_to_string (PortierProbeResult result)
{
  if ((guint) result >= G_N_ELEMENTS (result_names))
    return "unavailable";
  return result_names[result];
}

gboolean
portier_probe_result_from_string (const char         *text,
                                  PortierProbeResult *result)
{
  for (guint i = 0; i < G_N_ELEMENTS (result_names); i++)
    if (g_strcmp0 (text, result_names[i]) == 0)
      {
        *result = (PortierProbeResult) i;
        return TRUE;
      }
  return FALSE;
}

const char *
portier_socket_family_to_string (GSocketFamily family)
{
  return family == G_SOCKET_FAMILY_IPV6 ? "ipv6" : "ipv4";
}

PortierProbeOutcome *
portier_probe_outcome_new (guint16         port,
                           PortierProtocol protocol,
                           GSocketFamily   family)
{
  PortierProbeOutcome *self = g_new0 (PortierProbeOutcome, 1);

  self->port = port;
  self->protocol = protocol;
  self->family = family;
  self->result = PORTIER_PROBE_RESULT_UNAVAILABLE;
  return self;
}

PortierProbeOutcome *
portier_probe_outcome_copy (const PortierProbeOutcome *self)
{
  PortierProbeOutcome *copy = g_memdup2 (self, sizeof *self);

  copy->address = g_strdup (self->address);
  copy->reason = g_strdup (self->reason);
  copy->error = self->error != NULL ? g_error_copy (self->error) : NULL;
  return copy;
}

void
portier_probe_outcome_free (PortierProbeOutcome *self)
{
  if (self == NULL)
    return;
  g_free (self->address);
  g_free (self->reason);
  g_clear_error (&self->error);
  g_free (self);
}

/**
 * portier_probe_outcome_is_success:
 *
 * Returns: %TRUE when the port was reachable from the internet
 */
gboolean
portier_probe_outcome_is_success (const PortierProbeOutcome *self)
{
  return self->result == PORTIER_PROBE_RESULT_REACHABLE ||
         (self->result == PORTIER_PROBE_RESULT_OPEN &&
          g_strcmp0 (self->reason, "other-device") != 0);
}

/**
 * portier_probe_outcome_describe:
 *
 * Returns: (transfer full): a translated sentence or two for a person
 */
char *
portier_probe_outcome_describe (const PortierProbeOutcome *self)
{
  const char *family = self->family == G_SOCKET_FAMILY_IPV6 ? "IPv6" : "IPv4";

  switch (self->result)
    {
    case PORTIER_PROBE_RESULT_REACHABLE:
      return g_strdup (_("Reachable from the internet: the test reached this computer."));

    case PORTIER_PROBE_RESULT_OPEN:
      if (g_strcmp0 (self->reason, "other-device") == 0)
        return g_strdup (_("Something answered from the internet, but it was not this "
                           "computer: probably your router itself, or another device the "
                           "router sends this port to."));
      return g_strdup (_("Reachable from the internet: the program using this port "
                         "answered."));

    case PORTIER_PROBE_RESULT_REFUSED:
      return g_strdup (_("The test reached your network, but nothing accepted the "
                         "connection. Check that the app is running and that the router "
                         "sends this port to this computer."));

    case PORTIER_PROBE_RESULT_TIMEOUT:
      return g_strdup (_("No answer from the internet. The router does not pass this port "
                         "on, or a firewall blocks it."));

    case PORTIER_PROBE_RESULT_UNREACHABLE:
      return g_strdup (_("Not reachable from the internet. The router does not pass this "
                         "port on, a firewall blocks it, or nothing is listening."));

    case PORTIER_PROBE_RESULT_UNVERIFIABLE:
      return g_strdup (_("Another program already uses this port and did not answer the "
                         "test, so Portier cannot tell whether it is reachable. Ask someone "
                         "outside your home to try connecting."));

    case PORTIER_PROBE_RESULT_SKIPPED:
      if (g_strcmp0 (self->reason, "udp-not-supported") == 0)
        return g_strdup (_("Not tested: the public test service can only test TCP ports. "
                           "A Portier test server can test UDP too."));
      if (g_strcmp0 (self->reason, "no-ipv6-connection") == 0)
        return g_strdup (_("Not tested: this computer has no IPv6 connection to the "
                           "internet."));
      /* TRANSLATORS: %s is IPv4 or IPv6 */
      return g_strdup_printf (_("Not tested: the test server cannot be reached over %s."),
                              family);

    case PORTIER_PROBE_RESULT_UNAVAILABLE:
    default:
      if (self->error != NULL)
        return g_strdup (portier_error_user_message (self->error));
      return g_strdup (portier_error_describe (PORTIER_ERROR_PROBE_UNAVAILABLE));
    }
}

/**
 * portier_probe_report_new:
 *
 * Returns: (transfer full): an empty report
 */
PortierProbeReport *
portier_probe_report_new (const PortierPortSpec *spec,
                          const char            *server_url,
                          gboolean               fallback)
{
  PortierProbeReport *self = g_atomic_rc_box_new0 (PortierProbeReport);

  self->spec = portier_port_spec_copy (spec);
  self->server_url = g_strdup (server_url);
  self->fallback = fallback;
  self->outcomes = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_probe_outcome_free);
  return self;
}

PortierProbeReport *
portier_probe_report_ref (PortierProbeReport *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
report_clear (PortierProbeReport *self)
{
  portier_port_spec_free (self->spec);
  g_free (self->server_url);
  g_ptr_array_unref (self->outcomes);
}

void
portier_probe_report_unref (PortierProbeReport *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) report_clear);
}

/* How bad a result is, for the summary of a family: a known failure says most. */
static int
severity (PortierProbeResult result)
{
  switch (result)
    {
    case PORTIER_PROBE_RESULT_SKIPPED:
      return 0;
    case PORTIER_PROBE_RESULT_REACHABLE:
      return 1;
    case PORTIER_PROBE_RESULT_OPEN:
      return 2;
    case PORTIER_PROBE_RESULT_UNVERIFIABLE:
      return 3;
    case PORTIER_PROBE_RESULT_UNAVAILABLE:
      return 4;
    case PORTIER_PROBE_RESULT_REFUSED:
    case PORTIER_PROBE_RESULT_TIMEOUT:
    case PORTIER_PROBE_RESULT_UNREACHABLE:
    default:
      return 5;
    }
}

/**
 * portier_probe_report_get_summary:
 *
 * The outcome that stands for all the ports and protocols of @family: reachable only
 * when every one was; otherwise the first that failed. Skipped ones count only when all
 * were skipped.
 *
 * Returns: (transfer none) (nullable): that outcome, or %NULL when @family was not part
 *   of the test
 */
const PortierProbeOutcome *
portier_probe_report_get_summary (PortierProbeReport *self,
                                  GSocketFamily       family)
{
  const PortierProbeOutcome *summary = NULL;

  for (guint i = 0; i < self->outcomes->len; i++)
    {
      const PortierProbeOutcome *outcome = g_ptr_array_index (self->outcomes, i);

      if (outcome->family != family)
        continue;
      if (summary == NULL || severity (outcome->result) > severity (summary->result) ||
          (outcome->result == PORTIER_PROBE_RESULT_OPEN &&
           summary->result == PORTIER_PROBE_RESULT_OPEN &&
           !portier_probe_outcome_is_success (outcome)))
        summary = outcome;
    }
  return summary;
}

/**
 * portier_probe_report_is_reachable:
 *
 * Returns: %TRUE when the ports were reachable over at least one family
 */
gboolean
portier_probe_report_is_reachable (PortierProbeReport *self)
{
  static const GSocketFamily families[] = { G_SOCKET_FAMILY_IPV4, G_SOCKET_FAMILY_IPV6 };

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      const PortierProbeOutcome *summary = portier_probe_report_get_summary (self, families[i]);

      if (summary != NULL && portier_probe_outcome_is_success (summary))
        return TRUE;
    }
  return FALSE;
}

/**
 * portier_probe_report_is_unavailable:
 *
 * Returns: %TRUE when no family got a verdict: the test could not be run at all
 */
gboolean
portier_probe_report_is_unavailable (PortierProbeReport *self)
{
  for (guint i = 0; i < self->outcomes->len; i++)
    {
      const PortierProbeOutcome *outcome = g_ptr_array_index (self->outcomes, i);

      if (outcome->result != PORTIER_PROBE_RESULT_UNAVAILABLE &&
          outcome->result != PORTIER_PROBE_RESULT_SKIPPED)
        return FALSE;
    }
  return TRUE;
}

/**
 * portier_probe_report_get_unavailable_error:
 *
 * Why the test could not run: the error that says most, a refusal or a busy server
 * before a server that did not answer.
 *
 * Returns: (transfer none) (nullable): that error, or %NULL when nothing was unavailable
 */
const GError *
portier_probe_report_get_unavailable_error (PortierProbeReport *self)
{
  const GError *found = NULL;

  for (guint i = 0; i < self->outcomes->len; i++)
    {
      const PortierProbeOutcome *outcome = g_ptr_array_index (self->outcomes, i);

      if (outcome->result != PORTIER_PROBE_RESULT_UNAVAILABLE || outcome->error == NULL)
        continue;
      if (found == NULL ||
          g_error_matches (found, PORTIER_ERROR, PORTIER_ERROR_PROBE_UNAVAILABLE))
        found = outcome->error;
    }
  return found;
}

/**
 * portier_probe_report_get_verify_status:
 *
 * Returns: reachable when a family reached Portier's listener, open when a program
 *   answered, unavailable when no test server answered, unreachable otherwise
 */
PortierVerifyStatus
portier_probe_report_get_verify_status (PortierProbeReport *self)
{
  static const GSocketFamily families[] = { G_SOCKET_FAMILY_IPV4, G_SOCKET_FAMILY_IPV6 };
  gboolean open = FALSE;

  g_return_val_if_fail (self != NULL, PORTIER_VERIFY_STATUS_NONE);

  if (portier_probe_report_is_unavailable (self))
    return PORTIER_VERIFY_STATUS_UNAVAILABLE;

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      const PortierProbeOutcome *summary = portier_probe_report_get_summary (self, families[i]);

      if (summary == NULL || !portier_probe_outcome_is_success (summary))
        continue;
      if (summary->result == PORTIER_PROBE_RESULT_REACHABLE)
        return PORTIER_VERIFY_STATUS_REACHABLE;
      open = TRUE;
    }
  return open ? PORTIER_VERIFY_STATUS_OPEN : PORTIER_VERIFY_STATUS_UNREACHABLE;
}
