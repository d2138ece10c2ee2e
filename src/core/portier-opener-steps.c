/* portier-opener-steps.c: the firewall and verify steps, on the modules that do them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-opener"

#include "config.h"

#include "portier-error.h"
#include "portier-opener-private.h"
#include "portier-firewall.h"
#include "portier-probe.h"
#include "portier-probe-client.h"

/* ---- verify ---- */

typedef struct
{
  PortierProbe *probe;
  char         *public_address;
  gboolean      reached_ipv4;   /* the test got through over IPv4 */
  gboolean      reached_ipv6;
  GError       *not_run;        /* why the test could not run */
} VerifyData;

static void
verify_data_free (VerifyData *data)
{
  g_clear_object (&data->probe);
  g_free (data->public_address);
  g_clear_error (&data->not_run);
  g_free (data);
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
  const PortierProbeOutcome *ipv6;

  report = portier_probe_check_finish (PORTIER_PROBE (source), result, &error);
  if (report == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  ipv4 = portier_probe_report_get_summary (report, G_SOCKET_FAMILY_IPV4);
  ipv6 = portier_probe_report_get_summary (report, G_SOCKET_FAMILY_IPV6);
  if (ipv4 != NULL && ipv4->address != NULL)
    data->public_address = g_strdup (ipv4->address);
  data->reached_ipv4 = ipv4 != NULL && portier_probe_outcome_is_success (ipv4);
  data->reached_ipv6 = ipv6 != NULL && portier_probe_outcome_is_success (ipv6);
  if (portier_probe_report_is_unavailable (report) &&
      portier_probe_report_get_unavailable_error (report) != NULL)
    data->not_run = g_error_copy (portier_probe_report_get_unavailable_error (report));
  g_task_return_int (task, portier_probe_report_get_verify_status (report));
}

/**
 * _portier_verify_step_async:
 * @probe: (nullable): the test to ask; %NULL for a #PortierProbeClient of @probe_server
 */
void
_portier_verify_step_async (const PortierPortSpec *spec,
                            guint16                external_port,
                            PortierProbe          *probe,
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

  data->probe = probe != NULL ? g_object_ref (probe)
                              : PORTIER_PROBE (portier_probe_client_new (probe_server));
  portier_probe_check_async (data->probe, spec, cancellable, checked_cb,
                             g_steal_pointer (&task));
}

/**
 * _portier_verify_step_finish:
 * @public_address: (out) (optional): the address the probe server saw
 * @not_run: (out) (optional) (nullable): when unavailable, why the test could not run
 *
 * Returns: reachable, open, unreachable or unavailable; %PORTIER_VERIFY_STATUS_NONE with
 *   an error when the test could not run
 */
PortierVerifyStatus
_portier_verify_step_finish (GAsyncResult  *result,
                             char         **public_address,
                             GError       **not_run,
                             GError       **error)
{
  VerifyData *data = g_task_get_task_data (G_TASK (result));
  GError *local_error = NULL;
  gssize status;

  if (public_address != NULL)
    *public_address = g_strdup (data->public_address);
  if (not_run != NULL)
    *not_run = data->not_run != NULL ? g_error_copy (data->not_run) : NULL;
  status = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return PORTIER_VERIFY_STATUS_NONE;
    }
  return (PortierVerifyStatus) status;
}

/**
 * _portier_verify_step_reached:
 * @result: the result given to the verify step's callback
 *
 * Returns: whether the test got through over @family
 */
gboolean
_portier_verify_step_reached (GAsyncResult  *result,
                              GSocketFamily  family)
{
  VerifyData *data = g_task_get_task_data (G_TASK (result));

  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == _portier_verify_step_async,
                        FALSE);
  return family == G_SOCKET_FAMILY_IPV6 ? data->reached_ipv6 : data->reached_ipv4;
}

/* ---- firewall ---- */

void
portier_firewall_step_result_free (PortierFirewallStepResult *self)
{
  if (self == NULL)
    return;
  g_free (self->backend);
  g_free (self->zone);
  g_free (self->command);
  g_clear_pointer (&self->rule_ids, g_ptr_array_unref);
  g_free (self);
}

typedef struct
{
  PortierPortSpec      spec;
  char                *label;
  char                *rule_id;
  guint                timeout;
  PortierFirewallFlags flags;
  PortierFirewall     *firewall;
} FirewallData;

static void
firewall_data_free (FirewallData *data)
{
  g_free (data->label);
  g_free (data->rule_id);
  g_clear_object (&data->firewall);
  g_free (data);
}

static GTask *
firewall_task (gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_new0 (FirewallData, 1), (GDestroyNotify) firewall_data_free);
  return task;
}

static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallResult) opened = NULL;
  PortierFirewallStepResult *step;

  opened = portier_firewall_open_finish (PORTIER_FIREWALL (source), result, &error);
  if (opened == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  step = g_new0 (PortierFirewallStepResult, 1);
  step->status = portier_firewall_result_get_status (opened);
  step->backend = g_strdup (opened->backend);
  step->zone = opened->zone != NULL && opened->zone[0] != '\0' ? g_strdup (opened->zone) : NULL;
  step->rule_ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; opened->rule_ids != NULL && opened->rule_ids[i] != NULL; i++)
    g_ptr_array_add (step->rule_ids, g_strdup (opened->rule_ids[i]));
  g_task_return_pointer (task, step, (GDestroyNotify) portier_firewall_step_result_free);
}

/* Takes @task. */
static void
open_with_firewall (GTask *task)
{
  FirewallData *data = g_task_get_task_data (task);
  GCancellable *cancellable;

  /* Neither the helper nor firewalld: nothing can change the firewall from here. The
   * opening goes on (most computers block nothing), with the exact command for the
   * person in case theirs does; the test from outside will tell. */
  if (portier_firewall_get_mode (data->firewall) == PORTIER_FIREWALL_MODE_MANUAL)
    {
      PortierFirewallStepResult *step = g_new0 (PortierFirewallStepResult, 1);

      step->status = PORTIER_FIREWALL_STATUS_SKIPPED;
      step->backend = portier_firewall_guess_backend ();
      step->command = portier_firewall_manual_command (&data->spec, step->backend);
      g_task_return_pointer (task, step, (GDestroyNotify) portier_firewall_step_result_free);
      g_object_unref (task);
      return;
    }

  /* The cancellable first: the task is handed on in the same call. */
  cancellable = g_task_get_cancellable (task);
  portier_firewall_open_async (data->firewall, &data->spec, data->label, data->timeout,
                               data->flags, cancellable, opened_cb, task);
}

static void
firewall_ready_for_open_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FirewallData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->firewall = portier_firewall_new_finish (result, &error);
  if (data->firewall == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  open_with_firewall (g_steal_pointer (&task));
}

/* How long a PORTIER_DURATION_UNTIL opening lasts, in seconds: its seconds, else its hours. */
guint
_portier_open_options_until_seconds (const PortierOpenOptions *options)
{
  return options->seconds > 0 ? options->seconds : options->hours * 3600;
}

/**
 * _portier_firewall_step_open_async:
 * @firewall: (nullable): the firewall; %NULL to find this computer's
 */
void
_portier_firewall_step_open_async (const PortierOpenOptions *options,
                                   PortierFirewall          *firewall,
                                   GCancellable             *cancellable,
                                   GAsyncReadyCallback       callback,
                                   gpointer                  user_data)
{
  g_autoptr(GTask) task = firewall_task (_portier_firewall_step_open_async, cancellable,
                                         callback, user_data);
  FirewallData *data = g_task_get_task_data (task);

  data->spec = options->spec;
  data->label = g_strdup (options->label != NULL ? options->label : options->app_id);
  data->flags = options->interactive ? PORTIER_FIREWALL_FLAGS_INTERACTIVE
                                     : PORTIER_FIREWALL_FLAGS_NONE;
  if (options->duration == PORTIER_DURATION_UNTIL_CLOSED)
    data->flags |= PORTIER_FIREWALL_FLAGS_PERMANENT;
  /* A rule for a time runs out by itself where the firewall can do that (firewalld);
   * elsewhere the ledger's reconcile removes it. */
  if (options->duration == PORTIER_DURATION_UNTIL)
    data->timeout = _portier_open_options_until_seconds (options);

  if (firewall != NULL)
    {
      data->firewall = g_object_ref (firewall);
      open_with_firewall (g_steal_pointer (&task));
      return;
    }
  portier_firewall_new_async (cancellable, firewall_ready_for_open_cb,
                              g_steal_pointer (&task));
}

PortierFirewallStepResult *
_portier_firewall_step_open_finish (GAsyncResult  *result,
                                    GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
closed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!portier_firewall_close_finish (PORTIER_FIREWALL (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
firewall_ready_for_close_cb (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FirewallData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  data->firewall = portier_firewall_new_finish (result, &error);
  if (data->firewall == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cancellable = g_task_get_cancellable (task);
  portier_firewall_close_async (data->firewall, data->rule_id, data->flags, cancellable,
                                closed_cb, g_steal_pointer (&task));
}

/**
 * _portier_firewall_step_close_async:
 * @firewall: (nullable): the firewall; %NULL to find this computer's
 */
void
_portier_firewall_step_close_async (const char          *rule_id,
                                    PortierFirewall     *firewall,
                                    gboolean             interactive,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = firewall_task (_portier_firewall_step_close_async, cancellable,
                                         callback, user_data);
  FirewallData *data = g_task_get_task_data (task);

  data->rule_id = g_strdup (rule_id);
  data->flags = interactive ? PORTIER_FIREWALL_FLAGS_INTERACTIVE : PORTIER_FIREWALL_FLAGS_NONE;
  if (firewall != NULL)
    {
      portier_firewall_close_async (firewall, data->rule_id, data->flags, cancellable,
                                    closed_cb, g_steal_pointer (&task));
      return;
    }
  portier_firewall_new_async (cancellable, firewall_ready_for_close_cb,
                              g_steal_pointer (&task));
}

gboolean
_portier_firewall_step_close_finish (GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
