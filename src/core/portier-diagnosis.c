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
#include "portier-firewall.h"
#include "portier-gateway-page.h"
#include "portier-guide.h"
#include "portier-ledger.h"
#include "portier-listeners.h"
#include "portier-network.h"
#include "portier-probe.h"
#include "portier-probe-client.h"
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
  char              *router_address;  /* as the router reports it, or NULL */
  char              *outer_address;   /* the hop after the router, in double NAT */
  char              *old_address;     /* where a stale forward of Portier's points */
  char              *ipv6_address;    /* this computer's global IPv6 address */
  gboolean           pinholes;        /* the router opens IPv6 ports */
  char              *description_url; /* the router's UPnP description */
  char              *public_address;
  char              *other_host;
  char              *forwarded_by;    /* another program's forward to this computer */
  char              *vpn_name;
  char              *firewall_backend;
  int                router_error_code;
  char              *router_error;
  GError            *probe_error;     /* why the test from the internet did not run */
  PortierWanClass    wan_class;
  gboolean           router_checked;
  gboolean           probe_checked;
  gboolean           reached_ipv4;
  gboolean           reached_ipv6;
  PortierLedger     *ledger;          /* where Portier's own forwards were made to */

  /* the guide, after the findings */
  PortierDiagnosisReport *report;
  PortierGuideFacts *guide_facts;

  /* which codes to add when all is known */
  GPtrArray         *codes;
  PortierRouter     *router;
  PortierFirewall   *firewall;        /* the one handed in, or found */
  PortierProbe      *probe;           /* the one handed in, or a client of probe_server */
} Diagnosis;

static void
diagnosis_free (Diagnosis *d)
{
  g_clear_handle_id (&d->deadline_id, g_source_remove);
  g_clear_object (&d->cancellable);
  g_ptr_array_unref (d->findings);
  g_ptr_array_unref (d->codes);
  g_clear_object (&d->router);
  g_clear_object (&d->firewall);
  g_clear_object (&d->probe);
  g_free (d->probe_server);
  g_clear_error (&d->probe_error);
  g_free (d->program);
  g_free (d->lan_address);
  g_free (d->gateway);
  g_free (d->router_address);
  g_free (d->outer_address);
  g_free (d->old_address);
  g_free (d->ipv6_address);
  g_free (d->description_url);
  g_clear_object (&d->ledger);
  g_clear_pointer (&d->report, portier_diagnosis_report_free);
  g_clear_pointer (&d->guide_facts, portier_guide_facts_free);
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

/* -- the guide, when the router will not forward by itself -- */

static void
identified_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Diagnosis *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierRouterIdentity) identity = portier_router_identify_finish (result, &error);
  PortierDiagnosisReport *report = g_steal_pointer (&d->report);

  if (identity == NULL)
    g_debug ("which router: %s", error->message);
  g_clear_error (&error);
  report->guide = portier_guide_new (d->guide_facts, identity, &error);
  if (report->guide == NULL)
    g_warning ("no guide: %s", error->message);
  else
    /* What to do about the problem the guide is for: follow it. */
    for (guint i = 0; i < report->findings->len; i++)
      {
        PortierFinding *finding = g_ptr_array_index (report->findings, i);

        if (finding->status == PORTIER_FINDING_PROBLEM &&
            g_str_equal (finding->code,
                         portier_guide_problem_to_code (d->guide_facts->problem)))
          finding->action = PORTIER_FIX_FOLLOW_GUIDE;
      }
  g_task_return_pointer (task, report, (GDestroyNotify) portier_diagnosis_report_free);
}

static void
description_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Diagnosis *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = portier_gateway_page_fetch_finish (result, &error);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *xml = NULL;

  if (bytes != NULL)
    xml = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  else
    g_debug ("the router's description: %s", error->message);
  portier_router_identify_async (d->gateway, xml, cancellable, identified_cb,
                                 g_steal_pointer (&task));
}

/* The facts for the guide from the first problem it has steps for, or NULL. */
static PortierGuideFacts *
guide_facts (Diagnosis *d)
{
  PortierGuideFacts *facts;
  PortierGuideProblem problem = PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT;
  guint i;

  for (i = 0; i < d->findings->len; i++)
    {
      const PortierFinding *finding = g_ptr_array_index (d->findings, i);

      if (finding->status == PORTIER_FINDING_PROBLEM
          && portier_guide_problem_from_code (finding->code, &problem))
        break;
    }
  if (i == d->findings->len || d->lan_address == NULL || d->gateway == NULL)
    return NULL;
  /* A second router nobody could find has no address to guide to. */
  if (problem == PORTIER_GUIDE_PROBLEM_DOUBLE_NAT && d->outer_address == NULL)
    return NULL;

  facts = portier_guide_facts_new (problem, &d->spec, d->lan_address, d->gateway);
  facts->router_wan_address = g_strdup (d->router_address);
  facts->outer_address = g_strdup (d->outer_address);
  facts->old_address = g_strdup (d->old_address);
  facts->ipv6_address = g_strdup (d->ipv6_address);
  facts->router_takes_pinholes = d->pinholes;
  return facts;
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
  facts.outer_address = d->outer_address;
  facts.old_address = d->old_address;
  facts.public_address = d->public_address;
  facts.other_host = d->other_host;
  facts.vpn_name = d->vpn_name;
  facts.firewall_backend = d->firewall_backend;
  facts.router_error = d->router_error;
  facts.router_error_code = d->router_error_code;
  facts.probe_error = d->probe_error;

  facts.forwarded_by = d->forwarded_by;

  for (guint i = 0; i < d->codes->len; i++)
    g_ptr_array_add (d->findings, portier_finding_new (d->codes->pdata[i], &facts));

  report = g_new0 (PortierDiagnosisReport, 1);
  report->spec = d->spec;
  report->verdict = portier_findings_order (d->findings);
  report->findings = g_ptr_array_ref (d->findings);
  report->reachable_ipv4 = d->reached_ipv4;
  report->reachable_ipv6 = d->reached_ipv6;
  report->public_address = g_strdup (d->public_address);

  /* When the router will not forward by itself, the steps to do it by hand. Which router
   * this is (its UPnP description, else its maker, else its page) costs at most
   * PORTIER_GATEWAY_PAGE_TIMEOUT_MS for each look at the router. */
  d->guide_facts = guide_facts (d);
  if (d->guide_facts != NULL)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      d->report = report;
      /* UPnP answered but will not forward: its description names the router best. */
      if (d->description_url != NULL)
        portier_gateway_page_fetch_async (d->gateway, d->description_url, cancellable,
                                          description_cb, g_object_ref (task));
      else
        portier_router_identify_async (d->gateway, NULL, cancellable, identified_cb,
                                       g_object_ref (task));
      return;
    }
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
      if (d->ipv6_address == NULL && info->ipv6_addresses[0] != NULL)
        d->ipv6_address = g_strdup (info->ipv6_addresses[0]);
    }
  check_done (task);
}

/* -- the firewall -- */

static void
firewall_queried_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Diagnosis *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallQuery) query = NULL;

  query = portier_firewall_query_finish (PORTIER_FIREWALL (source), result, &error);
  if (query == NULL)
    g_debug ("asking the firewall: %s", error->message);

  switch (query != NULL ? portier_firewall_query_get_state (query)
                        : PORTIER_FIREWALL_STATE_UNKNOWN)
    {
    case PORTIER_FIREWALL_STATE_OPEN:
      add_code (d, "host-firewall-open");
      break;
    case PORTIER_FIREWALL_STATE_BLOCKED:
      add_code (d, "host-firewall-blocks");
      break;
    case PORTIER_FIREWALL_STATE_UNKNOWN:
    default:
      add_code (d, "host-firewall-unknown");
      break;
    }
  if (query != NULL)
    d->firewall_backend = g_strdup (query->backend);
  check_done (task);
}

static void
query_firewall (GTask *task)
{
  Diagnosis *d = g_task_get_task_data (task);

  portier_firewall_query_async (d->firewall, &d->spec, d->cancellable, firewall_queried_cb,
                                task);
}

static void
firewall_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Diagnosis *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  d->firewall = portier_firewall_new_finish (result, &error);
  if (d->firewall == NULL)
    {
      g_debug ("no firewall to ask: %s", error->message);
      add_code (d, "host-firewall-unknown");
      check_done (task);
      return;
    }
  query_firewall (g_steal_pointer (&task));
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

/* Whether @mapping is one Portier made for this computer when it had another address:
 * the ledger keeps the address each forward was made for. */
static gboolean
made_for_old_address (Diagnosis            *d,
                      const PortierMapping *mapping)
{
  const char *now = portier_router_get_lan_address (d->router);
  GPtrArray *openings;

  if (d->ledger == NULL || mapping->internal_client == NULL
      || g_strcmp0 (mapping->internal_client, now) == 0)
    return FALSE;
  openings = portier_ledger_get_openings (d->ledger);
  for (guint i = 0; i < openings->len; i++)
    {
      const PortierOpening *opening = g_ptr_array_index (openings, i);

      for (guint k = 0; k < opening->mappings->len; k++)
        {
          const PortierLedgerMapping *m = g_ptr_array_index (opening->mappings, k);
          PortierProtocol protocol;

          if (m->kept_by == NULL
              && m->external_port == mapping->external_port
              && portier_protocol_from_string (m->protocol, &protocol)
              && protocol == mapping->protocol
              && g_strcmp0 (m->internal_client, mapping->internal_client) == 0)
            return TRUE;
        }
    }
  return FALSE;
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
          if (made_for_old_address (d, mapping))
            {
              add_code (d, "mapping-stale-address");
              d->old_address = g_strdup (mapping->internal_client);
              break;
            }
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

/* Takes @task; d->router is the router found, or %NULL. */
static void
router_found (GTask *task)
{
  Diagnosis *d = g_task_get_task_data (task);
  const PortierRouterInfo *info;

  d->router_checked = TRUE;
  if (d->router == NULL)
    {
      add_code (d, "no-router-support");
      check_done (task);
      g_object_unref (task);
      return;
    }

  info = portier_router_get_info (d->router);
  d->wan_class = info->wan_class;
  /* The router's own address only as it reports it: the hop after it is the provider's
   * side (carrier-grade NAT) or the box in front (double NAT), never the router. */
  g_free (d->router_address);
  d->router_address = g_strdup (info->external_address != NULL && info->external_address[0]
                                  ? info->external_address : NULL);
  if (info->wan_class == PORTIER_WAN_DOUBLE_NAT)
    d->outer_address = g_strdup (info->upstream_hop);
  if (info->ipv6_address != NULL)
    {
      g_free (d->ipv6_address);
      d->ipv6_address = g_strdup (info->ipv6_address);
    }
  d->pinholes = info->pinholes;
  if (info->method == PORTIER_ROUTER_METHOD_UPNP)
    d->description_url = g_strdup (info->url);
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
                                     d->cancellable, found_mapping_cb, task);
}

static void
router_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Diagnosis *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  d->router = portier_router_discover_finish (result, &error);
  if (d->router == NULL)
    g_debug ("no router: %s", error->message);
  router_found (g_steal_pointer (&task));
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
  g_autoptr(PortierProbeReport) report = NULL;
  const PortierProbeOutcome *ipv4;
  const PortierProbeOutcome *ipv6;

  report = portier_probe_check_finish (PORTIER_PROBE (source), result, &error);
  if (report == NULL)
    {
      g_debug ("the test from the internet did not run: %s", error->message);
      check_done (task);
      return;
    }

  d->probe_checked = TRUE;
  switch (portier_probe_report_get_verify_status (report))
    {
    case PORTIER_VERIFY_STATUS_REACHABLE:
    case PORTIER_VERIFY_STATUS_OPEN:
      add_code (d, "reachable");
      break;
    case PORTIER_VERIFY_STATUS_UNAVAILABLE:
      add_code (d, "probe-unavailable");
      break;
    case PORTIER_VERIFY_STATUS_UNREACHABLE:
    case PORTIER_VERIFY_STATUS_NONE:
    case PORTIER_VERIFY_STATUS_SKIPPED:
    default:
      add_code (d, "unreachable");
      break;
    }
  ipv4 = portier_probe_report_get_summary (report, G_SOCKET_FAMILY_IPV4);
  ipv6 = portier_probe_report_get_summary (report, G_SOCKET_FAMILY_IPV6);
  d->reached_ipv4 = ipv4 != NULL && portier_probe_outcome_is_success (ipv4);
  d->reached_ipv6 = ipv6 != NULL && portier_probe_outcome_is_success (ipv6);
  /* Why the test could not run: a refusal or a busy server says more than silence. */
  if (portier_probe_report_is_unavailable (report) &&
      portier_probe_report_get_unavailable_error (report) != NULL)
    d->probe_error = g_error_copy (portier_probe_report_get_unavailable_error (report));
  if (ipv4 != NULL && ipv4->address != NULL)
    d->public_address = g_strdup (ipv4->address);
  check_done (task);
}

static void
start_probe (GTask *task)
{
  Diagnosis *d = g_task_get_task_data (task);

  portier_probe_check_async (d->probe, &d->spec, d->cancellable, probe_cb,
                             g_object_ref (task));
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
  portier_diagnosis_run_with_peers_async (spec, probe_server, NULL, NULL, NULL, cancellable,
                                          callback, user_data);
}

/**
 * portier_diagnosis_run_with_peers_async:
 * @probe_server: (nullable): the probe server; %NULL for the configured one
 * @router: (nullable): the router; %NULL to discover it
 * @firewall: (nullable): the firewall; %NULL for this computer's
 * @probe: (nullable): the test from the internet; %NULL for a #PortierProbeClient of
 *   @probe_server
 *
 * The troubleshooter with the peers it is given (the unit tests hand in fakes).
 * Finish with portier_diagnosis_run_finish().
 */
void
portier_diagnosis_run_with_peers_async (const PortierPortSpec *spec,
                                        const char            *probe_server,
                                        PortierRouter         *router,
                                        PortierFirewall       *firewall,
                                        PortierProbe          *probe,
                                        GCancellable          *cancellable,
                                        GAsyncReadyCallback    callback,
                                        gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Diagnosis *d = g_new0 (Diagnosis, 1);

  g_task_set_source_tag (task, portier_diagnosis_run_async);
  g_return_if_fail (router == NULL || PORTIER_IS_ROUTER (router));
  g_return_if_fail (firewall == NULL || PORTIER_IS_FIREWALL (firewall));
  g_return_if_fail (probe == NULL || PORTIER_IS_PROBE (probe));
  d->spec = *spec;
  d->probe_server = g_strdup (probe_server);
  d->cancellable = g_cancellable_new ();
  d->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_finding_free);
  d->codes = g_ptr_array_new ();
  d->wan_class = PORTIER_WAN_UNKNOWN;
  /* Read once, before any check: where Portier's own forwards were made to. */
  d->ledger = portier_ledger_new_default ();
  if (!portier_ledger_load (d->ledger, NULL))
    g_clear_object (&d->ledger);
  d->probe = probe != NULL ? g_object_ref (probe)
                           : PORTIER_PROBE (portier_probe_client_new (probe_server));
  g_task_set_task_data (task, d, (GDestroyNotify) diagnosis_free);

  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (g_cancellable_cancel),
                           g_object_ref (d->cancellable), g_object_unref);

  /* One reference per check; the deadline holds none, and is removed on completion. */
  d->pending = 5;
  d->deadline_id = g_timeout_add (TOTAL_TIMEOUT_MS, deadline_cb, task);

  portier_listeners_list_async (d->cancellable, listeners_cb, g_object_ref (task));
  portier_network_new_async (d->cancellable, network_cb, g_object_ref (task));
  if (firewall != NULL)
    {
      d->firewall = g_object_ref (firewall);
      query_firewall (g_object_ref (task));
    }
  else
    portier_firewall_new_async (d->cancellable, firewall_cb, g_object_ref (task));
  if (router != NULL)
    {
      d->router = g_object_ref (router);
      router_found (g_object_ref (task));
    }
  else
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
