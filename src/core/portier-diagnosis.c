/* portier-diagnosis.c: the troubleshooter — which layer is broken, in plain words
 *
 * Every check starts at once; each has its own time limit and the whole has one more,
 * so a silent router or probe server costs seconds, not minutes. What a check could not
 * find out within its time is reported as unknown, never guessed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-diagnosis"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "portier-diagnosis.h"
#include "portier-error.h"
#include "portier-findings.h"
#include "portier-listeners.h"
#include "portier-network.h"
#include "portier-opener-private.h"
#include "portier-router.h"

#define TOTAL_TIMEOUT_MS 6000
#define TRIAL_LEASE 60

typedef struct
{
  PortierPortSpec    spec;
  char              *probe_server;
  GCancellable      *cancellable;     /* cancels every check, on the deadline too */
  GPtrArray         *findings;
  guint              pending;
  guint              deadline_id;
  gboolean           done;

  /* facts gathered by the checks */
  char              *program;
  char              *lan_address;
  char              *gateway;
  char              *router_address;
  char              *public_address;
  char              *other_host;
  char              *forwarded_by;    /* another program's forward to this computer */
  char              *vpn_name;
  char              *firewall_backend;
  int                router_error_code;
  char              *router_error;
  PortierWanClass    wan_class;
  gboolean           router_checked;
  gboolean           probe_checked;

  /* which codes to add when all is known */
  GPtrArray         *codes;
  PortierRouter     *router;
} Diagnosis;

static void
diagnosis_free (Diagnosis *d)
{
  g_clear_handle_id (&d->deadline_id, g_source_remove);
  g_clear_object (&d->cancellable);
  g_ptr_array_unref (d->findings);
  g_ptr_array_unref (d->codes);
  g_clear_object (&d->router);
  g_free (d->probe_server);
  g_free (d->program);
  g_free (d->lan_address);
  g_free (d->gateway);
  g_free (d->router_address);
  g_free (d->public_address);
  g_free (d->other_host);
  g_free (d->forwarded_by);
  g_free (d->vpn_name);
  g_free (d->firewall_backend);
  g_free (d->router_error);
  g_free (d);
}

static void
add_code (Diagnosis  *d,
          const char *code)
{
  if (!g_ptr_array_find_with_equal_func (d->codes, code, g_str_equal, NULL))
    g_ptr_array_add (d->codes, (gpointer) code);
}

static void
complete (GTask *task)
{
  Diagnosis *d = g_task_get_task_data (task);
  PortierFindingFacts facts = { 0 };
  PortierDiagnosisReport *report;

  if (d->done)
    return;
  d->done = TRUE;
  g_clear_handle_id (&d->deadline_id, g_source_remove);
  g_cancellable_cancel (d->cancellable);

  /* What the checks could not say in time. */
  if (!d->router_checked)
    add_code (d, "no-router-support");
  if (!d->probe_checked)
    add_code (d, "probe-unavailable");

  /* The internet's view against the router's: only worth saying when nothing else
   * explains a difference already. */
  if (d->public_address != NULL && d->router_address != NULL &&
      g_strcmp0 (d->public_address, d->router_address) != 0 &&
      d->wan_class == PORTIER_WAN_PUBLIC)
    add_code (d, "public-address-mismatch");

  facts.spec = &d->spec;
  facts.program = d->program;
  facts.lan_address = d->lan_address;
  facts.gateway = d->gateway;
  facts.router_address = d->router_address;
  facts.public_address = d->public_address;
  facts.other_host = d->other_host;
  facts.vpn_name = d->vpn_name;
  facts.firewall_backend = d->firewall_backend;
  facts.router_error = d->router_error;
  facts.router_error_code = d->router_error_code;

  facts.forwarded_by = d->forwarded_by;

  for (guint i = 0; i < d->codes->len; i++)
    g_ptr_array_add (d->findings, portier_finding_new (d->codes->pdata[i], &facts));

  report = g_new0 (PortierDiagnosisReport, 1);
  report->spec = d->spec;
  report->verdict = portier_findings_order (d->findings);
  report->findings = g_ptr_array_ref (d->findings);
  g_task_return_pointer (task, report, (GDestroyNotify) portier_diagnosis_report_free);
}

/* Every check ends here, successful or not. */
static void
check_done (GTask *task)
{
  Diagnosis *d = g_task_get_task_data (task);

  if (--d->pending == 0)
    complete (task);
}

static gboolean
deadline_cb (gpointer user_data)
{
  GTask *task = user_data;
  Diagnosis *d = g_task_get_task_data (task);

  d->deadline_id = 0;
  g_debug ("deadline reached with %u checks pending", d->pending);
  complete (task);
  return G_SOURCE_REMOVE;
}

static void start_probe (GTask *task);

/* -- the app -- */

static void
listeners_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Diagnosis *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = portier_listeners_list_finish (result, &error);
  g_autoptr(GPtrArray) mine = NULL;
  gboolean reachable_bind = FALSE;

  /* The test from outside listens on the port itself when it is free: it starts only
   * now, so that its listener is never taken for the app. */
  start_probe (task);

  if (all == NULL)
    {
      check_done (task);
      return;
    }

  mine = portier_listeners_filter (all, &d->spec);
  for (guint i = 0; i < mine->len; i++)
    {
      const PortierListener *listener = g_ptr_array_index (mine, i);

      if (listener->scope != PORTIER_BIND_SCOPE_LOOPBACK)
        reachable_bind = TRUE;
      if (d->program == NULL && listener->process != NULL)
        d->program = g_strdup (listener->process);
    }

  if (mine->len == 0)
    add_code (d, "no-listener");
  else if (!reachable_bind)
    add_code (d, "listener-loopback-only");
  else
    add_code (d, "listening");
  check_done (task);
}

/* -- the network -- */

static void
network_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Diagnosis *d = g_task_get_task_data (task);
  g_autoptr(PortierNetwork) network = portier_network_new_finish (result, NULL);

  if (network != NULL)
    {
      const PortierNetworkInfo *info = portier_network_get_info (network);

      if (info->vpn_active == PORTIER_TRISTATE_YES)
        {
          add_code (d, "vpn-active");
          d->vpn_name = g_strdup (info->vpn_name != NULL ? info->vpn_name
                                                         : info->vpn_interface);
        }
      if (d->lan_address == NULL)
        d->lan_address = g_strdup (info->ipv4_address);
      if (d->gateway == NULL)
        d->gateway = g_strdup (info->ipv4_gateway);
    }
  check_done (task);
}

/* -- the firewall -- */

static void
firewall_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Diagnosis *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *backend = NULL;
  g_autofree char *state = _portier_firewall_query_finish (result, &backend, &error);

  if (g_strcmp0 (state, "open") == 0)
    add_code (d, "host-firewall-open");
  else if (g_strcmp0 (state, "blocks") == 0)
    add_code (d, "host-firewall-blocks");
  else
    add_code (d, "host-firewall-unknown");
  d->firewall_backend = g_steal_pointer (&backend);
  check_done (task);
}

/* -- the router -- */

static void
trial_removed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!portier_router_remove_mapping_finish (PORTIER_ROUTER (source), result, &error))
    g_warning ("could not remove the trial forward: %s", error->message);
  check_done (task);
}

/* The forward is missing: would the router make it? A trial forward with a short lease
 * tells, and is removed at once. It never touches another device's forward. */
static void
trial_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Diagnosis *d = g_task_get_task_data (task);
  PortierRouterRefusal refusal = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierMapping) mapping = NULL;

  mapping = portier_router_add_mapping_finish (PORTIER_ROUTER (source), result, &refusal,
                                               &error);
  if (mapping == NULL)
    {
      if (g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_CONFLICT) &&
          refusal.held_by_program != NULL)
        {
          add_code (d, "mapping-other-program");
          g_free (d->forwarded_by);
          d->forwarded_by = g_strdup (refusal.held_by_program);
        }
      else if (g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_CONFLICT))
        {
          add_code (d, "mapping-other-host");
          g_free (d->other_host);
          d->other_host = g_strdup (refusal.held_by);
        }
      else
        {
          add_code (d, "router-refused");
          d->router_error_code = refusal.router_code;
          d->router_error = g_strdup (error->message);
        }
      portier_router_refusal_clear (&refusal);
      check_done (task);
      return;
    }

  add_code (d, "mapping-missing");
  /* Not cancellable: a trial forward must never stay behind. */
  portier_router_remove_mapping_async (PORTIER_ROUTER (source), mapping, NULL,
                                       trial_removed_cb, g_steal_pointer (&task));
}

static void
found_mapping_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Diagnosis *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierMapping) mapping = NULL;
  PortierMappingRequest request = { 0 };

  mapping = portier_router_find_mapping_finish (PORTIER_ROUTER (source), result, &error);
  if (mapping != NULL)
    {
      /* Made by Portier or by another program on this computer (a game, a torrent
       * client), it is the way in; only another device's address is a problem. */
      switch (portier_mapping_get_owner (mapping, portier_router_get_lan_address (d->router)))
        {
        case PORTIER_MAPPING_OWNER_PORTIER:
          add_code (d, "mapping-present");
          break;
        case PORTIER_MAPPING_OWNER_THIS_COMPUTER:
          /* The outside port comes here, but to another program's port. */
          add_code (d, mapping->internal_port == d->spec.first ? "mapping-present"
                                                               : "mapping-other-program");
          d->forwarded_by = g_strdup (mapping->description != NULL ? mapping->description
                                                                   : "");
          break;
        case PORTIER_MAPPING_OWNER_OTHER_DEVICE:
        default:
          add_code (d, "mapping-other-host");
          d->other_host = g_strdup (mapping->internal_client);
          break;
        }
      check_done (task);
      return;
    }

  /* No entry comes back without an error; an error means the router did not say. */
  if (error != NULL && !g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND))
    {
      g_debug ("looking up the forward: %s", error->message);
      check_done (task);
      return;
    }

  request.internal_port = d->spec.first;
  request.external_port = d->spec.first;
  request.protocol = (d->spec.protocol & PORTIER_PROTOCOL_TCP) ? PORTIER_PROTOCOL_TCP
                                                               : PORTIER_PROTOCOL_UDP;
  request.description = (char *) "Portier check";
  request.lease = TRIAL_LEASE;
  /* Not cancellable either: once asked, the answer is awaited so the trial is removed. */
  portier_router_add_mapping_async (d->router, &request, NULL, trial_cb,
                                    g_steal_pointer (&task));
}

static void
router_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Diagnosis *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const PortierRouterInfo *info;

  d->router = portier_router_discover_finish (result, &error);
  d->router_checked = TRUE;
  if (d->router == NULL)
    {
      add_code (d, "no-router-support");
      check_done (task);
      return;
    }

  info = portier_router_get_info (d->router);
  d->wan_class = info->wan_class;
  g_free (d->router_address);
  d->router_address = g_strdup (info->external_address != NULL && info->external_address[0]
                                  ? info->external_address : info->upstream_hop);
  if (info->lan_address != NULL)
    {
      g_free (d->lan_address);
      d->lan_address = g_strdup (info->lan_address);
    }
  if (info->gateway != NULL)
    {
      g_free (d->gateway);
      d->gateway = g_strdup (info->gateway);
    }

  if (info->wan_class == PORTIER_WAN_CGNAT)
    add_code (d, "cgnat");
  else if (info->wan_class == PORTIER_WAN_DOUBLE_NAT)
    add_code (d, "double-nat");

  portier_router_find_mapping_async (d->router, d->spec.first,
                                     (d->spec.protocol & PORTIER_PROTOCOL_TCP)
                                       ? PORTIER_PROTOCOL_TCP : PORTIER_PROTOCOL_UDP,
                                     d->cancellable, found_mapping_cb,
                                     g_steal_pointer (&task));
}

/* -- the internet -- */

static void
probe_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Diagnosis *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *public_address = NULL;
  g_autofree char *status = _portier_verify_step_finish (result, &public_address, &error);

  if (status != NULL)
    {
      d->probe_checked = TRUE;
      if (g_str_equal (status, "reachable") || g_str_equal (status, "open"))
        add_code (d, "reachable");
      else if (g_str_equal (status, "unavailable"))
        add_code (d, "probe-unavailable");
      else
        add_code (d, "unreachable");
    }
  if (public_address != NULL)
    d->public_address = g_steal_pointer (&public_address);
  check_done (task);
}

static void
start_probe (GTask *task)
{
  Diagnosis *d = g_task_get_task_data (task);

  _portier_verify_step_async (&d->spec, d->spec.first, d->probe_server, d->cancellable,
                              probe_cb, g_object_ref (task));
}

/**
 * portier_diagnosis_run_async:
 * @probe_server: (nullable): the probe server; %NULL for the configured one
 */
void
portier_diagnosis_run_async (const PortierPortSpec *spec,
                             const char            *probe_server,
                             GCancellable          *cancellable,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Diagnosis *d = g_new0 (Diagnosis, 1);

  g_task_set_source_tag (task, portier_diagnosis_run_async);
  d->spec = *spec;
  d->probe_server = g_strdup (probe_server);
  d->cancellable = g_cancellable_new ();
  d->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_finding_free);
  d->codes = g_ptr_array_new ();
  d->wan_class = PORTIER_WAN_UNKNOWN;
  g_task_set_task_data (task, d, (GDestroyNotify) diagnosis_free);

  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (g_cancellable_cancel),
                           g_object_ref (d->cancellable), g_object_unref);

  /* One reference per check; the deadline holds none, and is removed on completion. */
  d->pending = 5;
  d->deadline_id = g_timeout_add (TOTAL_TIMEOUT_MS, deadline_cb, task);

  portier_listeners_list_async (d->cancellable, listeners_cb, g_object_ref (task));
  portier_network_new_async (d->cancellable, network_cb, g_object_ref (task));
  _portier_firewall_query_async (spec, d->cancellable, firewall_cb, g_object_ref (task));
  portier_router_discover_async (PORTIER_ROUTER_DISCOVER_NONE, d->cancellable, router_cb,
                                 g_object_ref (task));
}

PortierDiagnosisReport *
portier_diagnosis_run_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
