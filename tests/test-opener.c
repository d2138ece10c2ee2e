/* test-opener.c: the open transaction — every step, the undoing at each step, stopping,
 * several ports through PortierOpenRun, and closing several through PortierCloseRun —
 * without root
 *
 * The router, the firewall and the test from the internet are fakes in memory
 * (fake-peers.h) handed to the opener the way it takes its router; the integration suite
 * runs the same transaction against miniupnpd, nftables, firewalld and the probe server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gstdio.h>

#include "fake-peers.h"
#include "portier-error.h"
#include "portier-close-run.h"
#include "portier-open-run.h"

#define PORT 25565

typedef struct
{
  char            *state_dir;
  PortierLedger   *ledger;
  FakeRouter      *router;
  FakeFirewallWay *way;
  PortierFirewall *firewall;
  FakeProbe       *probe;
  PortierOpener   *opener;
  GString         *steps;     /* "step:status " for every step-changed */
} Fixture;

static void
step_changed_cb (PortierOpener     *opener,
                 PortierStep        step,
                 PortierStepStatus  status,
                 const char        *message,
                 Fixture           *fixture)
{
  g_string_append_printf (fixture->steps, "%d:%d ", step, status);
}

static void
make_opener (Fixture    *fixture,
             const char *external_address)
{
  g_clear_object (&fixture->opener);
  g_clear_object (&fixture->router);
  fixture->router = fake_router_new (external_address);
  fixture->opener = portier_opener_new_with_peers (fixture->ledger,
                                                   PORTIER_ROUTER (fixture->router),
                                                   fixture->firewall,
                                                   PORTIER_PROBE (fixture->probe));
  g_signal_connect (fixture->opener, "step-changed", G_CALLBACK (step_changed_cb), fixture);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->state_dir = g_dir_make_tmp ("portier-opener-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->ledger = portier_ledger_new (fixture->state_dir);
  fixture->way = fake_firewall_way_new ();
  fixture->firewall = portier_firewall_new_for_way (PORTIER_FIREWALL_MODE_HELPER,
                                                    PORTIER_FIREWALL_WAY (fixture->way));
  fixture->probe = fake_probe_new (PORTIER_PROBE_RESULT_REACHABLE);
  fixture->steps = g_string_new (NULL);
  make_opener (fixture, "203.0.113.7");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->state_dir, 0, NULL);
  const char *name;

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->opener);
  g_assert_finalize_object (fixture->router);
  g_assert_finalize_object (fixture->firewall);
  g_assert_finalize_object (fixture->way);
  g_assert_finalize_object (fixture->probe);
  g_assert_finalize_object (fixture->ledger);
  g_string_free (fixture->steps, TRUE);

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->state_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->state_dir);
  g_free (fixture->state_dir);
}

static PortierOpenOptions *
options_for (guint16 port)
{
  PortierPortSpec spec = { port, port, PORTIER_PROTOCOL_TCP };

  return portier_open_options_new (&spec);
}

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static PortierOpenResult *
open_with (Fixture                  *fixture,
           const PortierOpenOptions *options,
           GCancellable             *cancellable,
           GError                  **error)
{
  g_autoptr(GAsyncResult) async_result = NULL;

  portier_opener_open_async (fixture->opener, options, cancellable, store_cb, &async_result);
  return portier_opener_open_finish (fixture->opener, wait_for (&async_result), error);
}

static guint
ledger_count (Fixture *fixture)
{
  g_assert_true (portier_ledger_load (fixture->ledger, NULL));
  return portier_ledger_get_openings (fixture->ledger)->len;
}

static gboolean
closed (Fixture *fixture)
{
  return ledger_count (fixture) == 0 && fake_firewall_way_count (fixture->way) == 0 &&
         fake_router_count (fixture->router) == 0;
}

#define STEP(step, status) G_STRINGIFY (step) ":" G_STRINGIFY (status) " "

/* Every step does its part: the firewall lets it in, the router forwards it, the test
 * gets through; the ledger holds what was made, and the share address is the router's. */
static void
test_open (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(PortierOpenOptions) options = options_for (PORT);
  g_autoptr(PortierOpenResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *share = NULL;
  PortierOpening *opening;

  result = open_with (fixture, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_no_error (result->error);
  g_assert_cmpint (result->firewall_status, ==, PORTIER_FIREWALL_STATUS_OPENED);
  g_assert_cmpint (result->router_status, ==, PORTIER_ROUTER_STATUS_MAPPED);
  g_assert_cmpint (result->verify_status, ==, PORTIER_VERIFY_STATUS_REACHABLE);
  g_assert_cmpint (portier_open_result_get_outcome (result), ==, PORTIER_OUTCOME_REACHABLE);
  g_assert_cmpuint (result->external_port, ==, PORT);
  share = portier_open_result_dup_share (result);
  g_assert_cmpstr (share, ==, "203.0.113.7:25565");

  g_assert_cmpuint (fake_firewall_way_count (fixture->way), ==, 1);
  g_assert_true (fake_router_has (fixture->router, PORT));
  g_assert_cmpuint (ledger_count (fixture), ==, 1);
  opening = portier_ledger_lookup (fixture->ledger, result->id);
  g_assert_nonnull (opening);
  g_assert_cmpint (opening->state, ==, PORTIER_OPENING_STATE_OPEN);
  g_assert_cmpuint (opening->rules->len, ==, 1);
  g_assert_cmpuint (opening->mappings->len, ==, 1);

  g_assert_cmpstr (fixture->steps->str, ==,
                   STEP (0, 1) STEP (0, 2) STEP (1, 1) STEP (1, 2) STEP (2, 1) STEP (2, 2));
}

/* The router's outside address is an IPv6 one: the address to give friends has it in
 * brackets, or no program could tell the port from the address. */
static void
test_share_ipv6 (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(PortierOpenOptions) options = options_for (PORT);
  g_autoptr(PortierOpenResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *share = NULL;

  make_opener (fixture, "2001:db8::20");
  result = open_with (fixture, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_no_error (result->error);
  share = portier_open_result_dup_share (result);
  g_assert_cmpstr (share, ==, "[2001:db8::20]:25565");
}

/* The firewall refuses: nothing else runs, nothing is left, and the result says which
 * step failed. */
static void
test_firewall_fails (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(PortierOpenOptions) options = options_for (PORT);
  g_autoptr(PortierOpenResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *share = NULL;

  fake_firewall_way_refuse (fixture->way);
  result = open_with (fixture, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_error (result->error, PORTIER_ERROR, PORTIER_ERROR_NOT_AUTHORIZED);
  g_assert_error (result->firewall_error, PORTIER_ERROR, PORTIER_ERROR_NOT_AUTHORIZED);
  g_assert_cmpint (result->firewall_status, ==, PORTIER_FIREWALL_STATUS_FAILED);
  g_assert_cmpint (result->router_status, ==, PORTIER_ROUTER_STATUS_NONE);
  g_assert_cmpint (result->verify_status, ==, PORTIER_VERIFY_STATUS_NONE);
  g_assert_cmpint (portier_open_result_get_outcome (result), ==, PORTIER_OUTCOME_FAILED);
  g_assert_cmpuint (fake_router_added (fixture->router), ==, 0);
  g_assert_true (closed (fixture));
  share = portier_open_result_dup_share (result);
  g_assert_null (share);
  g_assert_cmpstr (fixture->steps->str, ==, STEP (0, 1) STEP (0, 4));
}

/* The router refuses: the firewall rule made before is removed again, newest first. */
static void
test_router_fails (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(PortierOpenOptions) options = options_for (PORT);
  g_autoptr(PortierOpenResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fake_router_refuse_port (fixture->router, PORT);
  result = open_with (fixture, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_error (result->error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_CONFLICT);
  g_assert_cmpint (result->firewall_status, ==, PORTIER_FIREWALL_STATUS_OPENED);
  g_assert_cmpint (result->router_status, ==, PORTIER_ROUTER_STATUS_FAILED);
  g_assert_cmpint (result->router_error_code, ==, 718);
  g_assert_cmpstr (result->held_by, ==, "192.168.1.99");
  g_assert_cmpint (result->verify_status, ==, PORTIER_VERIFY_STATUS_NONE);
  g_assert_true (closed (fixture));
  g_assert_cmpstr (fixture->steps->str, ==,
                   STEP (0, 1) STEP (0, 2) STEP (1, 1) STEP (1, 4) STEP (0, 5));
}

/* The test does not get through: nothing is undone (the way is open; the troubleshooter
 * tells what else is in the way), and the outcome says it failed. */
static void
test_verify_unreachable (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(PortierOpenOptions) options = options_for (PORT);
  g_autoptr(PortierOpenResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->probe);
  fixture->probe = fake_probe_new (PORTIER_PROBE_RESULT_TIMEOUT);
  make_opener (fixture, "203.0.113.7");
  result = open_with (fixture, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_no_error (result->error);
  g_assert_cmpint (result->verify_status, ==, PORTIER_VERIFY_STATUS_UNREACHABLE);
  g_assert_cmpint (portier_open_result_get_outcome (result), ==, PORTIER_OUTCOME_FAILED);
  g_assert_cmpuint (fake_firewall_way_count (fixture->way), ==, 1);
  g_assert_cmpuint (fake_router_count (fixture->router), ==, 1);
  g_assert_cmpuint (ledger_count (fixture), ==, 1);
}

/* No test server answers: open, but untested. */
static void
test_verify_unavailable (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(PortierOpenOptions) options = options_for (PORT);
  g_autoptr(PortierOpenResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fake_probe_fail (fixture->probe);
  result = open_with (fixture, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_no_error (result->error);
  g_assert_cmpint (result->verify_status, ==, PORTIER_VERIFY_STATUS_UNAVAILABLE);
  g_assert_error (result->verify_error, PORTIER_ERROR, PORTIER_ERROR_PROBE_UNAVAILABLE);
  g_assert_cmpint (portier_open_result_get_outcome (result), ==, PORTIER_OUTCOME_UNTESTED);
}

/* Stopped at the verify step (the last): everything made is undone, and the result
 * stays, saying it was stopped. */
static void
test_cancel_at_verify (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(PortierOpenOptions) options = options_for (PORT);
  g_autoptr(PortierOpenResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  fake_probe_hang (fixture->probe);

  {
    g_autoptr(GAsyncResult) async_result = NULL;

    portier_opener_open_async (fixture->opener, options, cancellable, store_cb,
                               &async_result);
    /* Until the test from the internet waits. */
    while (!g_str_has_suffix (fixture->steps->str, STEP (2, 1)))
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpuint (fake_firewall_way_count (fixture->way), ==, 1);
    g_assert_cmpuint (fake_router_count (fixture->router), ==, 1);
    g_cancellable_cancel (cancellable);
    result = portier_opener_open_finish (fixture->opener, wait_for (&async_result), &error);
  }
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_error (result->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (closed (fixture));
}

/* Stopped while the router is asked: the firewall rule goes again. */
static void
cancel_at_router_cb (PortierOpener     *opener,
                     PortierStep        step,
                     PortierStepStatus  status,
                     const char        *message,
                     GCancellable      *cancellable)
{
  if (step == PORTIER_STEP_ROUTER && status == PORTIER_STEP_STATUS_RUNNING)
    g_cancellable_cancel (cancellable);
}

static void
test_cancel_at_router (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(PortierOpenOptions) options = options_for (PORT);
  g_autoptr(PortierOpenResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_signal_connect (fixture->opener, "step-changed", G_CALLBACK (cancel_at_router_cb),
                    cancellable);
  result = open_with (fixture, options, cancellable, &error);
  g_signal_handlers_disconnect_by_data (fixture->opener, cancellable);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_error (result->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (result->router_status, ==, PORTIER_ROUTER_STATUS_FAILED);
  g_assert_cmpuint (fake_router_added (fixture->router), ==, 0);
  g_assert_true (closed (fixture));
}

/* Stopped before it started: no result, nothing touched. */
static void
test_cancel_before_start (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(PortierOpenOptions) options = options_for (PORT);
  g_autoptr(PortierOpenResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  result = open_with (fixture, options, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_cmpuint (fake_router_added (fixture->router), ==, 0);
  g_assert_true (closed (fixture));
  g_assert_cmpstr (fixture->steps->str, ==, "");
}

/* Open, then close: the router's forward and the firewall rule go, and the entry. */
static void
test_close (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(PortierOpenOptions) options = options_for (PORT);
  g_autoptr(PortierOpenResult) result = NULL;
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(GError) error = NULL;

  result = open_with (fixture, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (closed (fixture));
  portier_opener_close_async (fixture->opener, result->id, FALSE, NULL, store_cb,
                              &async_result);
  g_assert_true (portier_opener_close_finish (fixture->opener, wait_for (&async_result),
                                              &error));
  g_assert_no_error (error);
  g_assert_true (closed (fixture));
}

/* ---- several ports: all or none ---- */

static GPtrArray *
execute (Fixture       *fixture,
         GPtrArray     *options,
         GError       **error)
{
  g_autoptr(PortierOpenRun) run = portier_open_run_new (fixture->opener, options, FALSE);
  g_autoptr(GAsyncResult) async_result = NULL;
  GPtrArray *results;

  portier_open_run_execute_async (run, NULL, store_cb, &async_result);
  results = portier_open_run_execute_finish (run, wait_for (&async_result), error);
  g_clear_object (&async_result);
  g_assert_finalize_object (g_steal_pointer (&run));
  return results;
}

static GPtrArray *
ports (const guint16 *list,
       guint          n)
{
  GPtrArray *options = g_ptr_array_new_with_free_func (
    (GDestroyNotify) portier_open_options_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (options, options_for (list[i]));
  return options;
}

/* Three ports, all open: three forwards, three rules, three entries. */
static void
test_run_all (Fixture       *fixture,
              gconstpointer  data)
{
  static const guint16 list[] = { 25565, 25566, 25567 };
  g_autoptr(GPtrArray) options = ports (list, G_N_ELEMENTS (list));
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  results = execute (fixture, options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 3);
  g_assert_null (portier_open_run_get_failed (results));
  for (guint i = 0; i < G_N_ELEMENTS (list); i++)
    g_assert_true (fake_router_has (fixture->router, list[i]));
  g_assert_cmpuint (fake_firewall_way_count (fixture->way), ==, 3);
  g_assert_cmpuint (ledger_count (fixture), ==, 3);
}

/* The third port is refused by the router: the two ports before it are closed again,
 * and the third's own firewall rule is undone: nothing stays open. */
static void
test_run_fails_late (Fixture       *fixture,
                     gconstpointer  data)
{
  static const guint16 list[] = { 25565, 25566, 25567 };
  g_autoptr(GPtrArray) options = ports (list, G_N_ELEMENTS (list));
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  const PortierOpenResult *failed;

  fake_router_refuse_port (fixture->router, 25567);
  results = execute (fixture, options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (results);
  g_assert_cmpuint (results->len, ==, 3);
  failed = portier_open_run_get_failed (results);
  g_assert_true (failed == results->pdata[2]);
  g_assert_error (failed->error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_CONFLICT);
  g_assert_cmpuint (fake_router_added (fixture->router), ==, 2);
  g_assert_true (closed (fixture));
}

/* ---- closing several: each one whole ---- */

/* Opens @list and returns the ids, in order. */
static GStrv
open_ports (Fixture       *fixture,
            const guint16 *list,
            guint          n)
{
  g_autoptr(GPtrArray) options = ports (list, n);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GError) error = NULL;

  results = execute (fixture, options, &error);
  g_assert_no_error (error);
  g_assert_null (portier_open_run_get_failed (results));
  for (guint i = 0; i < results->len; i++)
    g_strv_builder_add (ids, ((PortierOpenResult *) results->pdata[i])->id);
  return g_strv_builder_end (ids);
}

static GPtrArray *
close_run (Fixture            *fixture,
           const char * const *ids,
           GCancellable       *cancellable,
           GCallback           started_cb)
{
  g_autoptr(PortierCloseRun) run = portier_close_run_new (fixture->opener, ids, FALSE);
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *results;

  if (started_cb != NULL)
    g_signal_connect (run, "opening-started", started_cb, cancellable);
  portier_close_run_execute_async (run, cancellable, store_cb, &async_result);
  results = portier_close_run_execute_finish (run, wait_for (&async_result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (results);
  g_clear_object (&async_result);
  g_assert_finalize_object (g_steal_pointer (&run));
  return results;
}

/* Three openings closed: no forward, no rule, no entry left; one result each. */
static void
test_close_run (Fixture       *fixture,
                gconstpointer  data)
{
  static const guint16 list[] = { 25565, 25566, 25567 };
  g_auto(GStrv) ids = open_ports (fixture, list, G_N_ELEMENTS (list));
  g_autoptr(GPtrArray) results = NULL;

  g_assert_false (closed (fixture));
  results = close_run (fixture, (const char * const *) ids, NULL, NULL);
  g_assert_cmpuint (results->len, ==, 3);
  for (guint i = 0; i < results->len; i++)
    {
      const PortierCloseResult *result = results->pdata[i];

      g_assert_cmpstr (result->id, ==, ids[i]);
      g_assert_no_error (result->error);
    }
  g_assert_cmpuint (portier_close_run_count_failed (results), ==, 0);
  g_assert_true (closed (fixture));
}

/* One opening Portier does not have: its result says so, and the others are closed. */
static void
test_close_run_one_fails (Fixture       *fixture,
                          gconstpointer  data)
{
  static const guint16 list[] = { 25565, 25566 };
  g_auto(GStrv) opened = open_ports (fixture, list, G_N_ELEMENTS (list));
  const char * const ids[] = { opened[0], "not-an-opening", opened[1], NULL };
  g_autoptr(GPtrArray) results = NULL;

  results = close_run (fixture, ids, NULL, NULL);
  g_assert_cmpuint (results->len, ==, 3);
  g_assert_no_error (((PortierCloseResult *) results->pdata[0])->error);
  g_assert_error (((PortierCloseResult *) results->pdata[1])->error, PORTIER_ERROR,
                  PORTIER_ERROR_NOT_FOUND);
  g_assert_no_error (((PortierCloseResult *) results->pdata[2])->error);
  g_assert_cmpuint (portier_close_run_count_failed (results), ==, 1);
  g_assert_true (closed (fixture));
}

static void
cancel_when_started_cb (PortierCloseRun *run,
                        guint            index,
                        const char      *id,
                        GCancellable    *cancellable)
{
  g_cancellable_cancel (cancellable);
}

/* Stopped while the first opening closes: that one is closed whole, the two others are
 * left whole (their forward, their rule, their entry), and the results say which. */
static void
test_close_run_cancel (Fixture       *fixture,
                       gconstpointer  data)
{
  static const guint16 list[] = { 25565, 25566, 25567 };
  g_auto(GStrv) ids = open_ports (fixture, list, G_N_ELEMENTS (list));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) results = NULL;

  results = close_run (fixture, (const char * const *) ids, cancellable,
                       G_CALLBACK (cancel_when_started_cb));
  g_assert_cmpuint (results->len, ==, 3);
  g_assert_no_error (((PortierCloseResult *) results->pdata[0])->error);
  g_assert_error (((PortierCloseResult *) results->pdata[1])->error, G_IO_ERROR,
                  G_IO_ERROR_CANCELLED);
  g_assert_error (((PortierCloseResult *) results->pdata[2])->error, G_IO_ERROR,
                  G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (portier_close_run_count_failed (results), ==, 2);
  g_assert_false (fake_router_has (fixture->router, 25565));
  g_assert_true (fake_router_has (fixture->router, 25566));
  g_assert_true (fake_router_has (fixture->router, 25567));
  g_assert_cmpuint (fake_firewall_way_count (fixture->way), ==, 2);
  g_assert_cmpuint (ledger_count (fixture), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/opener/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("open", test_open);
  ADD ("share-ipv6", test_share_ipv6);
  ADD ("rollback/firewall", test_firewall_fails);
  ADD ("rollback/router", test_router_fails);
  ADD ("verify/unreachable", test_verify_unreachable);
  ADD ("verify/unavailable", test_verify_unavailable);
  ADD ("cancel/verify", test_cancel_at_verify);
  ADD ("cancel/router", test_cancel_at_router);
  ADD ("cancel/before-start", test_cancel_before_start);
  ADD ("close", test_close);
  ADD ("run/all", test_run_all);
  ADD ("run/fails-late", test_run_fails_late);
  ADD ("close-run/all", test_close_run);
  ADD ("close-run/one-fails", test_close_run_one_fails);
  ADD ("close-run/cancel", test_close_run_cancel);
#undef ADD

  return g_test_run ();
}
