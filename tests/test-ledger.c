/* test-ledger.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "portier-error.h"
#include "portier-ledger.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("portier-ledger-XXXXXX", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static PortierOpening *
make_opening (const char *spec_text)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse (spec_text, NULL);
  PortierOpening *opening = portier_opening_new (spec, PORTIER_DURATION_UNTIL_CLOSED);

  opening->state = PORTIER_OPENING_STATE_OPEN;
  opening->app_id = g_strdup ("minecraft-java");
  opening->external_address = g_strdup ("11.200.0.2");
  portier_opening_add_rule (opening, "r-1", "nftables", NULL);
  portier_opening_add_mapping (opening, "upnp", "tcp", spec->first, spec->first,
                               "192.168.1.10", 3600, 1700000000);
  return opening;
}

/* A forward another program keeps is recorded as found: it survives a round trip, a
 * copy, and is not something Portier has to remove. */
static void
test_kept_forward (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(PortierLedger) ledger = portier_ledger_new (fixture->dir);
  g_autoptr(PortierLedger) again = portier_ledger_new (fixture->dir);
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse ("25565/tcp", NULL);
  g_autoptr(PortierOpening) opening = portier_opening_new (spec, PORTIER_DURATION_UNTIL_CLOSED);
  g_autoptr(PortierOpening) copy = NULL;
  g_autoptr(GError) error = NULL;
  PortierOpening *read;

  opening->state = PORTIER_OPENING_STATE_OPEN;
  portier_opening_add_mapping (opening, "upnp", "tcp", 25565, 25565, "192.168.1.10", 0,
                               1700000000)->kept_by = g_strdup ("Some App");
  g_assert_false (portier_opening_has_forwards (opening));
  copy = portier_opening_copy (opening);
  g_assert_cmpstr (((PortierLedgerMapping *) copy->mappings->pdata[0])->kept_by, ==,
                   "Some App");

  g_assert_true (portier_ledger_put (ledger, opening, &error));
  g_assert_no_error (error);
  g_assert_true (portier_ledger_load (again, &error));
  read = portier_ledger_lookup (again, opening->id);
  g_assert_nonnull (read);
  g_assert_cmpstr (((PortierLedgerMapping *) read->mappings->pdata[0])->kept_by, ==,
                   "Some App");
  g_assert_false (portier_opening_has_forwards (read));

  /* Portier's own forward beside it must be removed; an empty description is kept too. */
  portier_opening_add_mapping (opening, "upnp", "udp", 25565, 25565, "192.168.1.10", 3600,
                               1700000000);
  g_assert_true (portier_opening_has_forwards (opening));
  ((PortierLedgerMapping *) opening->mappings->pdata[0])->kept_by[0] = '\0';
  g_assert_true (portier_ledger_put (ledger, opening, &error));
  g_assert_true (portier_ledger_load (again, &error));
  read = portier_ledger_lookup (again, opening->id);
  g_assert_cmpstr (((PortierLedgerMapping *) read->mappings->pdata[0])->kept_by, ==, "");
  g_assert_null (((PortierLedgerMapping *) read->mappings->pdata[1])->kept_by);
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(PortierLedger) ledger = portier_ledger_new (fixture->dir);
  g_autoptr(PortierLedger) again = portier_ledger_new (fixture->dir);
  g_autoptr(PortierOpening) a = make_opening ("25565/tcp");
  g_autoptr(PortierOpening) b = make_opening ("2456-2458/udp");
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierPortSpec) query = portier_port_spec_parse ("2457/both", NULL);
  g_autoptr(GPtrArray) found = NULL;
  PortierOpening *read;
  PortierLedgerMapping *mapping;
  GStatBuf st;

  g_assert_true (portier_ledger_load (ledger, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (portier_ledger_get_openings (ledger)->len, ==, 0);

  g_assert_true (portier_ledger_put (ledger, a, &error));
  g_assert_true (portier_ledger_put (ledger, b, &error));
  g_assert_no_error (error);

  /* Private to its owner. */
  g_assert_cmpint (g_stat (portier_ledger_get_path (ledger), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_true (portier_ledger_load (again, &error));
  g_assert_cmpuint (portier_ledger_get_openings (again)->len, ==, 2);
  read = portier_ledger_lookup (again, a->id);
  g_assert_nonnull (read);
  g_assert_true (portier_port_spec_equal (&read->spec, &a->spec));
  g_assert_cmpstr (read->app_id, ==, "minecraft-java");
  g_assert_cmpint (read->state, ==, PORTIER_OPENING_STATE_OPEN);
  g_assert_cmpint (read->duration, ==, PORTIER_DURATION_UNTIL_CLOSED);
  g_assert_cmpuint (read->rules->len, ==, 1);
  g_assert_cmpstr (((PortierLedgerRule *) read->rules->pdata[0])->backend, ==, "nftables");
  mapping = read->mappings->pdata[0];
  g_assert_cmpuint (mapping->external_port, ==, 25565);
  g_assert_cmpstr (mapping->internal_client, ==, "192.168.1.10");
  g_assert_cmpuint (mapping->lease, ==, 3600);

  found = portier_ledger_find (again, query);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((PortierOpening *) found->pdata[0])->id, ==, b->id);

  /* Replacing by id, and removing. */
  a->state = PORTIER_OPENING_STATE_CLOSING;
  g_assert_true (portier_ledger_put (again, a, &error));
  g_assert_cmpuint (portier_ledger_get_openings (again)->len, ==, 2);
  g_assert_cmpint (portier_ledger_lookup (again, a->id)->state, ==,
                   PORTIER_OPENING_STATE_CLOSING);
  g_assert_true (portier_ledger_remove (ledger, a->id, &error));
  g_assert_no_error (error);
  g_assert_true (portier_ledger_load (again, &error));
  g_assert_cmpuint (portier_ledger_get_openings (again)->len, ==, 1);
  g_assert_null (portier_ledger_lookup (again, a->id));
  g_assert_finalize_object (g_steal_pointer (&again));
}

static void
test_damaged (Fixture       *fixture,
              gconstpointer  data)
{
  static const char *cases[] = {
    "{ not json",
    "[]",
    "{\"openings\": [{\"id\": \"x\"}]}",
    "{\"openings\": [{\"id\":\"x\",\"spec\":\"0\",\"state\":\"open\",\"duration\":\"until\","
    "\"created\":0,\"expires\":0,\"owner_pid\":0,\"owner_start\":0,"
    "\"firewall_rules\":[],\"router_mappings\":[]}]}",
    "{\"openings\": [{\"id\":\"x\",\"spec\":\"80\",\"state\":\"open\",\"duration\":\"until\","
    "\"created\":0,\"expires\":0,\"owner_pid\":0,\"owner_start\":0,"
    "\"firewall_rules\":[],\"router_mappings\":[{\"method\":\"upnp\",\"protocol\":\"icmp\","
    "\"external_port\":80,\"internal_port\":80,\"internal_client\":\"a\",\"lease\":0,"
    "\"renewed_at\":0}]}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PortierLedger) ledger = portier_ledger_new (fixture->dir);
      g_autoptr(PortierOpening) opening = make_opening ("7777/udp");
      g_autoptr(GError) error = NULL;
      g_autoptr(GDir) dir = NULL;
      const char *name;
      guint set_aside = 0;

      g_assert_true (g_file_set_contents (portier_ledger_get_path (ledger), cases[i], -1, NULL));

      g_assert_false (portier_ledger_load (ledger, &error));
      g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT);
      g_assert_cmpuint (portier_ledger_get_openings (ledger)->len, ==, 0);

      /* The damaged file is kept for a person to look at, and the ledger works again. */
      dir = g_dir_open (fixture->dir, 0, NULL);
      while ((name = g_dir_read_name (dir)) != NULL)
        if (strstr (name, ".damaged-") != NULL)
          {
            g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
            set_aside++;
            g_unlink (path);
          }
      g_assert_cmpuint (set_aside, ==, 1);

      g_clear_error (&error);
      g_assert_true (portier_ledger_put (ledger, opening, &error));
      g_assert_no_error (error);
      g_assert_true (portier_ledger_load (ledger, &error));
      g_assert_cmpuint (portier_ledger_get_openings (ledger)->len, ==, 1);
      g_unlink (portier_ledger_get_path (ledger));
    }
}

static void
test_one_bad_entry (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(PortierLedger) ledger = portier_ledger_new (fixture->dir);
  g_autoptr(PortierOpening) good = make_opening ("25565/tcp");
  g_autoptr(PortierOpening) other = make_opening ("7777/udp");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *broken = NULL;
  char *spec;

  g_assert_true (portier_ledger_put (ledger, good, NULL));
  g_assert_true (portier_ledger_put (ledger, other, NULL));

  /* Damage the second entry only. */
  g_assert_true (g_file_get_contents (portier_ledger_get_path (ledger), &contents, NULL, NULL));
  spec = strstr (contents, "\"7777/udp\"");
  g_assert_nonnull (spec);
  broken = g_strdup (contents);
  memcpy (broken + (spec - contents), "\"7777/xyz\"", 10);
  g_assert_true (g_file_set_contents (portier_ledger_get_path (ledger), broken, -1, NULL));

  g_assert_false (portier_ledger_load (ledger, &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT);
  /* The good one is still known, so it can still be closed. */
  g_assert_cmpuint (portier_ledger_get_openings (ledger)->len, ==, 1);
  g_assert_nonnull (portier_ledger_lookup (ledger, good->id));
}

static void
test_concurrent_writers (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(PortierLedger) ledger = portier_ledger_new (fixture->dir);
  const guint per_child = 40;
  pid_t children[2];

  /* Two processes add entries at the same time; the lock keeps every one of them. */
  for (guint c = 0; c < G_N_ELEMENTS (children); c++)
    {
      children[c] = fork ();
      g_assert_cmpint (children[c], >=, 0);
      if (children[c] == 0)
        {
          PortierLedger *mine = portier_ledger_new (fixture->dir);

          for (guint i = 0; i < per_child; i++)
            {
              g_autofree char *spec = g_strdup_printf ("%u/udp", 10000 + c * 1000 + i);
              g_autoptr(PortierOpening) opening = make_opening (spec);

              if (!portier_ledger_put (mine, opening, NULL))
                _exit (1);
            }
          _exit (0);
        }
    }

  for (guint c = 0; c < G_N_ELEMENTS (children); c++)
    {
      int status;
      g_assert_cmpint (waitpid (children[c], &status, 0), ==, children[c]);
      g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    }

  g_assert_true (portier_ledger_load (ledger, NULL));
  g_assert_cmpuint (portier_ledger_get_openings (ledger)->len, ==, 2 * per_child);
}

/* A full ledger — bigger than the 4 MiB that used to set it aside whole — loads whole,
 * refuses a new entry with a plain error, and still takes changes to the ones it has. */
static void
test_limit (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(PortierLedger) ledger = portier_ledger_new (fixture->dir);
  g_autoptr(PortierOpening) first = make_opening ("25565/tcp");
  g_autoptr(PortierOpening) extra = make_opening ("25566/tcp");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "openings.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *label = g_strnfill (900, 'x');
  JsonArray *openings;
  JsonObject *entry;
  GStatBuf st;

  /* One entry written by the ledger, copied to the limit (with a long label each). */
  g_assert_true (portier_ledger_put (ledger, first, &error));
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  openings = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                           "openings");
  entry = json_array_get_object_element (openings, 0);
  json_object_set_string_member (entry, "label", label);
  for (guint i = 1; i < PORTIER_LEDGER_MAX_OPENINGS; i++)
    {
      /* json_node_copy() would share the object: copy it member by member. */
      g_autoptr(GList) members = json_object_get_members (entry);
      g_autofree char *id = g_strdup_printf ("copy-%u", i);
      JsonObject *copy = json_object_new ();

      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (copy, l->data,
                                json_node_copy (json_object_get_member (entry, l->data)));
      json_object_set_string_member (copy, "id", id);
      json_array_add_object_element (openings, copy);
    }
  json_generator_set_root (generator, json_parser_get_root (parser));
  text = json_generator_to_data (generator, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 4 * 1024 * 1024);

  g_assert_true (portier_ledger_load (ledger, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (portier_ledger_get_openings (ledger)->len, ==, PORTIER_LEDGER_MAX_OPENINGS);

  g_assert_false (portier_ledger_put (ledger, extra, &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_LIMIT_REACHED);
  g_clear_error (&error);
  g_assert_null (portier_ledger_lookup (ledger, extra->id));

  /* Changing one it holds, or removing one, still works. */
  first->state = PORTIER_OPENING_STATE_CLOSING;
  g_assert_true (portier_ledger_put (ledger, first, &error));
  g_assert_no_error (error);
  g_assert_true (portier_ledger_remove (ledger, "copy-1", &error));
  g_assert_no_error (error);
  g_assert_true (portier_ledger_put (ledger, extra, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (portier_ledger_get_openings (ledger)->len, ==, PORTIER_LEDGER_MAX_OPENINGS);
}

static void
test_stale (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(PortierLedger) ledger = portier_ledger_new (fixture->dir);
  g_autoptr(PortierOpening) until_closed = make_opening ("1001");
  g_autoptr(PortierOpening) expired = make_opening ("1002");
  g_autoptr(PortierOpening) not_yet = make_opening ("1003");
  g_autoptr(PortierOpening) mine = make_opening ("1004");
  g_autoptr(PortierOpening) dead_owner = make_opening ("1005");
  g_autoptr(PortierOpening) crashed = make_opening ("1006");
  g_autoptr(PortierOpening) under_way = make_opening ("1007");
  g_autoptr(GPtrArray) stale = NULL;
  gint64 now = 1800000000;
  int status;
  pid_t child;

  expired->duration = not_yet->duration = PORTIER_DURATION_UNTIL;
  expired->expires = now - 1;
  not_yet->expires = now + 3600;

  mine->duration = PORTIER_DURATION_WHILE_RUNNING;
  mine->owner_pid = getpid ();
  mine->owner_start = portier_process_start_time ("/proc", getpid ());
  g_assert_cmpuint (mine->owner_start, >, 0);

  /* A process that has ended. */
  child = fork ();
  if (child == 0)
    _exit (0);
  dead_owner->owner_start = portier_process_start_time ("/proc", child);
  waitpid (child, &status, 0);
  dead_owner->duration = PORTIER_DURATION_WHILE_RUNNING;
  dead_owner->owner_pid = child;
  g_assert_cmpuint (portier_process_start_time ("/proc", child), ==, 0);

  /* A transaction left half-way by a process that is gone, and one still running. */
  crashed->state = PORTIER_OPENING_STATE_OPENING;
  crashed->owner_pid = child;
  crashed->owner_start = dead_owner->owner_start;
  under_way->state = PORTIER_OPENING_STATE_OPENING;
  under_way->owner_pid = getpid ();
  under_way->owner_start = mine->owner_start;

  g_assert_true (portier_ledger_put (ledger, until_closed, NULL));
  g_assert_true (portier_ledger_put (ledger, expired, NULL));
  g_assert_true (portier_ledger_put (ledger, not_yet, NULL));
  g_assert_true (portier_ledger_put (ledger, mine, NULL));
  g_assert_true (portier_ledger_put (ledger, dead_owner, NULL));
  g_assert_true (portier_ledger_put (ledger, crashed, NULL));
  g_assert_true (portier_ledger_put (ledger, under_way, NULL));

  stale = portier_ledger_get_stale (ledger, now);
  g_assert_cmpuint (stale->len, ==, 3);
  for (guint i = 0; i < stale->len; i++)
    {
      const char *id = ((PortierOpening *) stale->pdata[i])->id;
      g_assert_true (g_str_equal (id, expired->id) || g_str_equal (id, dead_owner->id) ||
                     g_str_equal (id, crashed->id));
    }
}

static void
test_default_dir (void)
{
  g_autoptr(PortierLedger) ledger = NULL;

  g_setenv ("PORTIER_STATE_DIR", "/somewhere/else", TRUE);
  ledger = portier_ledger_new_default ();
  g_assert_cmpstr (portier_ledger_get_path (ledger), ==, "/somewhere/else/openings.json");
  g_unsetenv ("PORTIER_STATE_DIR");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/ledger/round-trip", Fixture, NULL, fixture_setup, test_round_trip,
              fixture_teardown);
  g_test_add ("/ledger/kept-forward", Fixture, NULL, fixture_setup, test_kept_forward,
              fixture_teardown);
  g_test_add ("/ledger/damaged", Fixture, NULL, fixture_setup, test_damaged, fixture_teardown);
  g_test_add ("/ledger/one-bad-entry", Fixture, NULL, fixture_setup, test_one_bad_entry,
              fixture_teardown);
  g_test_add ("/ledger/concurrent", Fixture, NULL, fixture_setup, test_concurrent_writers,
              fixture_teardown);
  g_test_add ("/ledger/stale", Fixture, NULL, fixture_setup, test_stale, fixture_teardown);
  g_test_add ("/ledger/limit", Fixture, NULL, fixture_setup, test_limit, fixture_teardown);
  g_test_add_func ("/ledger/default-dir", test_default_dir);

  return g_test_run ();
}
