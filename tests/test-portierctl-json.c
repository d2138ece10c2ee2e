/* test-portierctl-json.c: portierctl's JSON words, the contract scripts read
 *
 * The core speaks in types; each word is made in one table in portierctl-json.c. Every
 * value of each enum has its word, and the words are the ones the contract names.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "portier-enums.h"
#include "portierctl-json.h"

/* Every value of @type has a word in @words, and that word leads back to a value whose
 * word it is. */
static void
assert_table_complete (PortierctlWords words,
                       GType           type)
{
  const PortierctlWord *table = portierctl_json_table (words);
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);

  for (guint i = 0; i < klass->n_values; i++)
    {
      const char *word = portierctl_json_word (table, klass->values[i].value);
      int value = -1;

      g_assert_nonnull (word);
      g_assert_true (portierctl_json_value (table, word, &value));
      g_assert_cmpstr (portierctl_json_word (table, value), ==, word);
    }
}

static void
test_complete (void)
{
  assert_table_complete (PORTIERCTL_WORDS_FIREWALL_STATUS, PORTIER_TYPE_FIREWALL_STATUS);
  assert_table_complete (PORTIERCTL_WORDS_ROUTER_STATUS, PORTIER_TYPE_ROUTER_STATUS);
  assert_table_complete (PORTIERCTL_WORDS_VERIFY_STATUS, PORTIER_TYPE_VERIFY_STATUS);
  assert_table_complete (PORTIERCTL_WORDS_VERDICT, PORTIER_TYPE_VERDICT);
  assert_table_complete (PORTIERCTL_WORDS_LAYER, PORTIER_TYPE_LAYER);
  assert_table_complete (PORTIERCTL_WORDS_FINDING_STATUS, PORTIER_TYPE_FINDING_STATUS);
  assert_table_complete (PORTIERCTL_WORDS_OWNER, PORTIER_TYPE_MAPPING_OWNER);
}

/* The words of the troubleshooter's report (they were the core's before). */
static void
test_diagnosis_words (void)
{
  g_assert_cmpstr (portierctl_json_verdict (PORTIER_VERDICT_UNKNOWN), ==, "unknown");
  g_assert_cmpstr (portierctl_json_verdict (PORTIER_VERDICT_REACHABLE), ==, "reachable");
  g_assert_cmpstr (portierctl_json_verdict (PORTIER_VERDICT_NOT_REACHABLE), ==,
                   "not-reachable");
  g_assert_cmpstr (portierctl_json_layer (PORTIER_LAYER_HOST_FIREWALL), ==, "host-firewall");
  g_assert_cmpstr (portierctl_json_finding_status (PORTIER_FINDING_WARNING), ==, "warning");
}

/* Whose a router forward is (it was the core's word before). */
static void
test_owner_words (void)
{
  g_assert_cmpstr (portierctl_json_owner (PORTIER_MAPPING_OWNER_PORTIER), ==, "portier");
  g_assert_cmpstr (portierctl_json_owner (PORTIER_MAPPING_OWNER_THIS_COMPUTER), ==,
                   "this-computer");
  g_assert_cmpstr (portierctl_json_owner (PORTIER_MAPPING_OWNER_OTHER_DEVICE), ==,
                   "other-device");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/portierctl-json/complete", test_complete);
  g_test_add_func ("/portierctl-json/diagnosis-words", test_diagnosis_words);
  g_test_add_func ("/portierctl-json/owner-words", test_owner_words);

  return g_test_run ();
}
