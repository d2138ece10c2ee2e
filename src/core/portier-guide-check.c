/* portier-guide-check.c: "check again" for a step of the guide
 *
 * Each step says how Portier tells whether it worked (PortierGuideCheck): that this
 * computer kept its address, that the router now forwards by itself, that the test from
 * the internet gets through over IPv4 or IPv6, or that the problem the guide is for is
 * gone. All but the first run the whole troubleshooter, so a step that did not work
 * comes back with what is still in the way, in the troubleshooter's own words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-guide"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "portier-error.h"
#include "portier-guide-check.h"
#include "portier-network.h"

typedef struct
{
  PortierGuideCheck       check;
  char                   *message;
  PortierDiagnosisReport *report;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_free (data->message);
  g_clear_pointer (&data->report, portier_diagnosis_report_free);
  g_free (data);
}

static void
network_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierGuide *guide = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  const PortierGuideFacts *facts = portier_guide_get_facts (guide);
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierNetwork) network = portier_network_new_finish (result, &error);
  const char *now;

  if (network == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  now = portier_network_get_info (network)->ipv4_address;
  if (g_strcmp0 (now, facts->local_address) == 0)
    {
      /* TRANSLATORS: %s is this computer's address, such as 192.168.1.20 */
      data->message = g_strdup_printf (_("This computer still has the address %s."), now);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (now != NULL)
    /* TRANSLATORS: the first %s is this computer's address now, the second the one the
     * guide was made for */
    data->message = g_strdup_printf (_("This computer now has the address %s, not %s. "
                                       "Run the troubleshooter again for steps with the new "
                                       "address."), now, facts->local_address);
  else
    data->message = g_strdup (_("This computer has no address in the home network right "
                                "now. Check that it is connected."));
  g_task_return_boolean (task, FALSE);
}

static gboolean
has_problem (const PortierDiagnosisReport *report,
             const char                   *code)
{
  for (guint i = 0; i < report->findings->len; i++)
    {
      const PortierFinding *finding = g_ptr_array_index (report->findings, i);

      if (finding->status == PORTIER_FINDING_PROBLEM && g_str_equal (finding->code, code))
        return TRUE;
    }
  return FALSE;
}

static void
diagnosed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierGuide *guide = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  const PortierGuideFacts *facts = portier_guide_get_facts (guide);
  g_autoptr(GError) error = NULL;
  const PortierDiagnosisReport *report;
  const PortierFinding *first;
  g_autofree char *port = NULL;
  gboolean passed;

  data->report = portier_diagnosis_run_finish (result, &error);
  if (data->report == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  report = data->report;
  port = portier_port_spec_describe (facts->port);

  switch (data->check)
    {
    case PORTIER_GUIDE_CHECK_ROUTER:
      passed = !has_problem (report, "no-router-support")
               && !has_problem (report, "router-refused");
      if (passed)
        data->message = g_strdup (_("Your router now lets Portier forward the port. Open "
                                    "the port with Portier."));
      break;
    case PORTIER_GUIDE_CHECK_REACHABLE_IPV4:
      passed = report->reachable_ipv4;
      break;
    case PORTIER_GUIDE_CHECK_REACHABLE_IPV6:
      passed = report->reachable_ipv6;
      if (passed)
        /* TRANSLATORS: %s is "port 25565 (TCP)" */
        data->message = g_strdup_printf (_("%s can be reached from the internet over IPv6."),
                                         port);
      break;
    case PORTIER_GUIDE_CHECK_DIAGNOSE:
    default:
      passed = !has_problem (report, portier_guide_problem_to_code (facts->problem));
      break;
    }

  if (passed && data->message == NULL)
    {
      if (report->verdict == PORTIER_VERDICT_REACHABLE)
        /* TRANSLATORS: %s is "port 25565 (TCP)" */
        data->message = g_strdup_printf (_("%s can be reached from the internet."), port);
      else
        data->message = g_strdup (_("That step worked."));
    }
  else if (!passed)
    {
      first = portier_diagnosis_report_get_first_problem (report);
      /* After a forward by hand the router still will not forward by itself: that is
       * not what is in the way any more, the test from the internet says what is. */
      if (first != NULL &&
          (data->check == PORTIER_GUIDE_CHECK_REACHABLE_IPV4 ||
           data->check == PORTIER_GUIDE_CHECK_REACHABLE_IPV6) &&
          g_str_equal (first->code, portier_guide_problem_to_code (facts->problem)))
        first = NULL;
      if (first != NULL)
        data->message = g_strdup (first->summary);
      else
        /* TRANSLATORS: %s is "port 25565 (TCP)" */
        data->message = g_strdup_printf (_("The test from the internet could not reach %s "
                                           "yet."), port);
    }
  g_task_return_boolean (task, passed);
}

/**
 * portier_guide_check_async:
 * @step: the index of the step to check
 * @probe_server: (nullable): the probe server; %NULL for the configured one
 *
 * Checks whether @step of @guide worked, the way the step says (its check).
 */
void
portier_guide_check_async (PortierGuide        *guide,
                           guint                step,
                           const char          *probe_server,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CheckData *data;

  g_return_if_fail (PORTIER_IS_GUIDE (guide));

  task = g_task_new (guide, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_guide_check_async);
  if (step >= portier_guide_get_n_steps (guide))
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                               _("The guide has %u steps; there is no step %u."),
                               portier_guide_get_n_steps (guide), step + 1);
      return;
    }
  data = g_new0 (CheckData, 1);
  data->check = portier_guide_get_step (guide, step)->check;
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);

  switch (data->check)
    {
    case PORTIER_GUIDE_CHECK_NONE:
      g_task_return_boolean (task, TRUE);
      break;
    case PORTIER_GUIDE_CHECK_ADDRESS:
      portier_network_new_async (cancellable, network_cb, g_steal_pointer (&task));
      break;
    case PORTIER_GUIDE_CHECK_ROUTER:
    case PORTIER_GUIDE_CHECK_REACHABLE_IPV4:
    case PORTIER_GUIDE_CHECK_REACHABLE_IPV6:
    case PORTIER_GUIDE_CHECK_DIAGNOSE:
    default:
      portier_diagnosis_run_async (portier_guide_get_facts (guide)->port, probe_server,
                                   cancellable, diagnosed_cb, g_steal_pointer (&task));
      break;
    }
}

/**
 * portier_guide_check_finish:
 * @message: (out) (optional) (nullable): what worked, or what is still in the way, in a
 *   plain sentence; %NULL for a step with nothing to check
 * @report: (out) (optional) (nullable): the troubleshooter's new report, when the check
 *   ran it (its guide may differ: the next problem's)
 *
 * Returns: whether the step worked; %FALSE with @error set when the check could not run
 */
gboolean
portier_guide_check_finish (PortierGuide            *guide,
                            GAsyncResult            *result,
                            char                   **message,
                            PortierDiagnosisReport **report,
                            GError                 **error)
{
  CheckData *data;

  g_return_val_if_fail (g_task_is_valid (result, guide), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (message != NULL)
    *message = data != NULL ? g_strdup (data->message) : NULL;
  if (report != NULL)
    *report = data != NULL ? g_steal_pointer (&data->report) : NULL;
  return g_task_propagate_boolean (G_TASK (result), error);
}
