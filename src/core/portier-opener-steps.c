/* portier-opener-steps.c: the firewall and verify steps, on the modules that do them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-opener"

#include "config.h"

#include "portier-error.h"
#include "portier-opener-private.h"
#include "portier-probe-client.h"

/* ---- verify ---- */

typedef struct
{
  PortierProbeClient *client;
  char               *public_address;
} VerifyData;

static void
verify_data_free (VerifyData *data)
{
  g_clear_object (&data->client);
  g_free (data->public_address);
  g_free (data);
}

static const char *
verify_status_of (PortierProbeReport *report)
{
  static const GSocketFamily families[] = { G_SOCKET_FAMILY_IPV4, G_SOCKET_FAMILY_IPV6 };
  gboolean open = FALSE;

  if (portier_probe_report_is_unavailable (report))
    return "unavailable";

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      const PortierProbeOutcome *summary = portier_probe_report_get_summary (report,
                                                                           families[i]);

      if (summary == NULL || !portier_probe_outcome_is_success (summary))
        continue;
      if (summary->result == PORTIER_PROBE_RESULT_REACHABLE)
        return "reachable";
      open = TRUE;
    }
  return open ? "open" : "unreachable";
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VerifyData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierProbeReport) report = NULL;
  const PortierProbeOutcome *ipv4;

  report = portier_probe_client_check_finish (PORTIER_PROBE_CLIENT (source), result, &error);
  if (report == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  ipv4 = portier_probe_report_get_summary (report, G_SOCKET_FAMILY_IPV4);
  if (ipv4 != NULL && ipv4->address != NULL)
    data->public_address = g_strdup (ipv4->address);
  g_task_return_pointer (task, g_strdup (verify_status_of (report)), g_free);
}

void
_portier_verify_step_async (const PortierPortSpec *spec,
                            guint16                external_port,
                            const char            *probe_server,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  VerifyData *data = g_new0 (VerifyData, 1);

  g_task_set_source_tag (task, _portier_verify_step_async);
  g_task_set_task_data (task, data, (GDestroyNotify) verify_data_free);

  /* The test listens on this computer's port and is answered on the router's outside
   * port: both are the same unless --external-port moved it, which the probe server
   * cannot be told about; then the result says what the inside port does. */
  if (external_port != 0 && external_port != spec->first)
    g_debug ("testing the inside port %u; the outside port is %u", spec->first, external_port);

  data->client = portier_probe_client_new (probe_server);
  portier_probe_client_check_async (data->client, spec, cancellable, checked_cb,
                                    g_steal_pointer (&task));
}

/**
 * _portier_verify_step_finish:
 * @public_address: (out) (optional): the address the probe server saw
 *
 * Returns: reachable, open, unreachable or unavailable; %NULL with an error when the test
 *   could not run
 */
char *
_portier_verify_step_finish (GAsyncResult  *result,
                             char         **public_address,
                             GError       **error)
{
  VerifyData *data = g_task_get_task_data (G_TASK (result));

  if (public_address != NULL)
    *public_address = g_strdup (data->public_address);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- firewall (TEMPORARY until PortierFirewall lands: reports nothing known) ---- */

void
_portier_firewall_step_open_async (const PortierOpenOptions *options,
                                   GCancellable             *cancellable,
                                   GAsyncReadyCallback       callback,
                                   gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE, "TODO");
}

PortierFirewallStepResult *
_portier_firewall_step_open_finish (GAsyncResult  *result,
                                    GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
_portier_firewall_step_close_async (const char          *rule_id,
                                    gboolean             interactive,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE, "TODO");
}

gboolean
_portier_firewall_step_close_finish (GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
_portier_firewall_query_async (const PortierPortSpec *spec,
                               GCancellable          *cancellable,
                               GAsyncReadyCallback    callback,
                               gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_return_pointer (task, g_strdup ("unknown"), g_free);
}

char *
_portier_firewall_query_finish (GAsyncResult  *result,
                                char         **backend,
                                GError       **error)
{
  *backend = NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}
