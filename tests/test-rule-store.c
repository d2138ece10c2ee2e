/* test-rule-store.c: the helper's record of the rules it made
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "portier-error.h"
#include "portier-rule-store.h"

typedef struct
{
  char *dir;
} Fixture;

/* The store warns about what it drops. The warnings are expected here, so they are
 * caught and counted instead of ending the test. */
static GPtrArray *warnings;

static GLogWriterOutput
writer_cb (GLogLevelFlags   log_level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }

  if ((log_level & G_LOG_LEVEL_WARNING) != 0 && g_strcmp0 (domain, "portier-helper") == 0)
    {
      g_ptr_array_add (warnings, g_strdup (message));
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
assert_warnings (const char *word,
                 guint       count)
{
  for (guint i = 0; i < warnings->len; i++)
    {
      g_test_message ("warning: %s", (char *) g_ptr_array_index (warnings, i));
      g_assert_nonnull (strstr (g_ptr_array_index (warnings, i), word));
    }
  g_assert_cmpuint (warnings->len, ==, count);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("portier-rule-store-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
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

static PortierRule *
make_rule (const char *id,
           const char *backend)
{
  PortierRule *rule = portier_rule_new ();

  rule->id = g_strdup (id);
  rule->backend = g_strdup (backend);
  rule->first = 2456;
  rule->last = 2458;
  rule->protocol = PORTIER_PROTOCOL_UDP;
  g_free (rule->label);
  rule->label = g_strdup ("Valheim");
  rule->created = 1700000000;
  rule->expires = 1700003600;
  rule->uid = 1000;
  g_free (rule->boot_id);
  rule->boot_id = g_strdup ("b007");
  return rule;
}

static void
write_file (Fixture    *fixture,
            const char *contents)
{
  g_autofree char *path = g_build_filename (fixture->dir, "rules.ini", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(PortierRuleStore) store = portier_rule_store_new (fixture->dir);
  g_autoptr(PortierRuleStore) again = portier_rule_store_new (fixture->dir);
  g_autoptr(GError) error = NULL;
  PortierRule *nft = make_rule ("00000000000000aa", "nftables");
  PortierRule *firewalld = make_rule ("00000000000000bb", "firewalld");
  const char *handles[] = { "inet filter input 12", "ip legacy INPUT 3", NULL };
  const char *ranges[] = { "2456", "2458", NULL };
  const PortierRule *loaded;
  GStatBuf st;

  nft->nft_handles = g_strdupv ((char **) handles);
  g_free (firewalld->zone);
  firewalld->zone = g_strdup ("home");
  firewalld->runtime_ranges = g_strdupv ((char **) ranges);
  firewalld->permanent = TRUE;

  g_assert_true (portier_rule_store_load (store, &error));   /* no file yet: empty */
  g_assert_no_error (error);
  nft->owner = g_strdup (":1.42");
  g_assert_true (portier_rule_store_add (store, nft, &error));
  g_assert_true (portier_rule_store_add (store, firewalld, &error));
  g_assert_no_error (error);
  g_assert_true (portier_rule_store_save (store, &error));
  g_assert_no_error (error);

  /* readable by root only */
  g_assert_cmpint (g_stat (portier_rule_store_get_path (store), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_true (portier_rule_store_load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (portier_rule_store_get_count (again), ==, 2);

  loaded = portier_rule_store_lookup (again, "00000000000000aa");
  g_assert_nonnull (loaded);
  g_assert_cmpstr (loaded->backend, ==, "nftables");
  g_assert_cmpuint (loaded->first, ==, 2456);
  g_assert_cmpuint (loaded->last, ==, 2458);
  g_assert_cmpint (loaded->protocol, ==, PORTIER_PROTOCOL_UDP);
  g_assert_cmpstr (loaded->label, ==, "Valheim");
  g_assert_cmpint (loaded->expires, ==, 1700003600);
  g_assert_cmpuint (loaded->uid, ==, 1000);
  g_assert_cmpstrv (loaded->nft_handles, handles);

  g_assert_cmpstr (loaded->owner, ==, ":1.42");

  loaded = portier_rule_store_lookup (again, "00000000000000bb");
  g_assert_null (loaded->owner);
  g_assert_cmpstr (loaded->zone, ==, "home");
  g_assert_true (loaded->permanent);
  g_assert_cmpstrv (loaded->runtime_ranges, ranges);

  g_assert_true (portier_rule_store_remove (again, "00000000000000aa"));
  g_assert_false (portier_rule_store_remove (again, "00000000000000aa"));
  g_assert_null (portier_rule_store_lookup (again, "00000000000000aa"));
}

static void
test_damaged_entries_are_dropped (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(PortierRuleStore) store = portier_rule_store_new (fixture->dir);
  g_autoptr(GError) error = NULL;

  write_file (fixture,
              "[rule 00000000000000aa]\nbackend=nftables\nfirst=80\nlast=80\nprotocol=tcp\n"
              "nft-handles=inet filter input 5\n"
              /* a handle that would smuggle a command into nft */
              "[rule 00000000000000bb]\nbackend=nftables\nfirst=80\nlast=80\nprotocol=tcp\n"
              "nft-handles=inet filter input 5; flush ruleset\n"
              "[rule 00000000000000cc]\nbackend=iptables\nfirst=80\nlast=80\nprotocol=tcp\n"
              "[rule 00000000000000dd]\nbackend=ufw\nfirst=0\nlast=80\nprotocol=tcp\n"
              "[rule 00000000000000ee]\nbackend=ufw\nfirst=80\nlast=80\nprotocol=tcp; ls\n"
              "[rule nothex]\nbackend=ufw\nfirst=80\nlast=80\nprotocol=tcp\n"
              "[rule 00000000000000ff]\nbackend=firewalld\nfirst=80\nlast=90\nprotocol=tcp\n"
              "zone=home\nruntime-ranges=80-90/tcp\n"
              "[rule 0000000000000011]\nbackend=firewalld\nfirst=80\nlast=90\nprotocol=tcp\n"
              "zone=\n"
              "[rule 0000000000000022]\nbackend=ufw\nfirst=80\nlast=80\nprotocol=tcp\n"
              "label=\"quoted\"\n"
              "[something else]\nkey=value\n");

  g_ptr_array_set_size (warnings, 0);
  g_assert_true (portier_rule_store_load (store, &error));
  g_assert_no_error (error);
  assert_warnings ("Ignoring", 8);

  /* only the one good entry */
  g_assert_cmpuint (portier_rule_store_get_count (store), ==, 1);
  g_assert_nonnull (portier_rule_store_lookup (store, "00000000000000aa"));
  g_assert_cmpstr (portier_rule_store_lookup (store, "00000000000000aa")->backend, ==,
                   "nftables");
}

static void
test_damaged_file_is_moved_aside (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(PortierRuleStore) store = portier_rule_store_new (fixture->dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = g_build_filename (fixture->dir, "rules.ini.damaged", NULL);

  write_file (fixture, "[rule 00000000000000aa\nthis is not a key file\n\xff\n");
  g_ptr_array_set_size (warnings, 0);
  g_assert_false (portier_rule_store_load (store, &error));
  assert_warnings ("damaged", 1);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT);
  g_assert_cmpuint (portier_rule_store_get_count (store), ==, 0);
  g_assert_true (g_file_test (aside, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (portier_rule_store_get_path (store), G_FILE_TEST_EXISTS));
}

static char *
rule_id (guint n)
{
  return g_strdup_printf ("%016x", n + 1);
}

/* The record refuses the rule past its limit with a plain error, and a record that holds
 * more than that (written by hand) keeps the rules up to the limit, not none. */
static void
test_limits (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(PortierRuleStore) store = portier_rule_store_new (fixture->dir);
  g_autoptr(PortierRuleStore) again = portier_rule_store_new (fixture->dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *last = rule_id (PORTIER_RULE_STORE_MAX_RULES - 1);

  for (guint i = 0; i < PORTIER_RULE_STORE_MAX_RULES; i++)
    {
      g_autofree char *id = rule_id (i);

      g_assert_true (portier_rule_store_add (store, make_rule (id, "ufw"), &error));
      g_assert_no_error (error);
    }
  g_assert_false (portier_rule_store_has_room (store, &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_LIMIT_REACHED);
  g_clear_error (&error);
  g_assert_false (portier_rule_store_add (store, make_rule ("ffffffffffffffff", "ufw"),
                                          &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_LIMIT_REACHED);
  g_assert_cmpuint (portier_rule_store_get_count (store), ==, PORTIER_RULE_STORE_MAX_RULES);
  g_assert_null (portier_rule_store_lookup (store, "ffffffffffffffff"));
  g_clear_error (&error);

  /* Full, it still saves and loads whole. */
  g_assert_true (portier_rule_store_save (store, &error));
  g_assert_no_error (error);
  g_assert_true (portier_rule_store_load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (portier_rule_store_get_count (again), ==, PORTIER_RULE_STORE_MAX_RULES);

  /* Ten more than the limit, by hand: the first 4096 are kept, the rest named. */
  for (guint i = 0; i < PORTIER_RULE_STORE_MAX_RULES + 10; i++)
    {
      g_autofree char *id = rule_id (i);

      g_string_append_printf (text, "[rule %s]\nbackend=ufw\nfirst=80\nlast=80\n"
                              "protocol=tcp\n", id);
    }
  write_file (fixture, text->str);
  g_ptr_array_set_size (warnings, 0);
  g_assert_true (portier_rule_store_load (again, &error));
  g_assert_no_error (error);
  assert_warnings ("holds", 10);
  g_assert_cmpuint (portier_rule_store_get_count (again), ==, PORTIER_RULE_STORE_MAX_RULES);
  g_assert_nonnull (portier_rule_store_lookup (again, last));
}

static void
test_nft_handles (void)
{
  g_assert_true (portier_rule_check_nft_handle ("inet filter input 1"));
  g_assert_true (portier_rule_check_nft_handle ("ip6 my_table INPUT-2 4294967295"));
  g_assert_false (portier_rule_check_nft_handle ("bridge filter input 1"));
  g_assert_false (portier_rule_check_nft_handle ("inet filter input 0"));
  g_assert_false (portier_rule_check_nft_handle ("inet filter input 4294967296"));
  g_assert_false (portier_rule_check_nft_handle ("inet filter input"));
  g_assert_false (portier_rule_check_nft_handle ("inet  filter input 1"));
  g_assert_false (portier_rule_check_nft_handle ("inet filter in;put 1"));
  g_assert_false (portier_rule_check_nft_handle ("inet \"filter\" input 1"));
  g_assert_false (portier_rule_check_nft_handle ("inet filter input 1 2"));
  g_assert_false (portier_rule_check_nft_handle (NULL));
}

int
main (int    argc,
      char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  warnings = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (writer_cb, NULL, NULL);

  g_test_add ("/rule-store/round-trip", Fixture, NULL, fixture_set_up, test_round_trip,
              fixture_tear_down);
  g_test_add ("/rule-store/damaged-entries", Fixture, NULL, fixture_set_up,
              test_damaged_entries_are_dropped, fixture_tear_down);
  g_test_add ("/rule-store/damaged-file", Fixture, NULL, fixture_set_up,
              test_damaged_file_is_moved_aside, fixture_tear_down);
  g_test_add ("/rule-store/limits", Fixture, NULL, fixture_set_up, test_limits,
              fixture_tear_down);
  g_test_add_func ("/rule-store/nft-handles", test_nft_handles);

  status = g_test_run ();
  g_ptr_array_unref (warnings);
  return status;
}
