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
#include "portierctl-private.h"

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
  assert_table_complete (PORTIERCTL_WORDS_METHOD, PORTIER_TYPE_ROUTER_METHOD);
  assert_table_complete (PORTIERCTL_WORDS_WAN, PORTIER_TYPE_WAN_CLASS);
  assert_table_complete (PORTIERCTL_WORDS_IPV6_STATUS, PORTIER_TYPE_IPV6_STATUS);
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

/* The router step of an opening: how Portier asked, how the router reaches the internet,
 * and what became of IPv6 (strings in the result before). */
static void
test_router_words (void)
{
  g_assert_cmpstr (portierctl_json_method (PORTIER_ROUTER_METHOD_UPNP), ==, "upnp");
  g_assert_cmpstr (portierctl_json_method (PORTIER_ROUTER_METHOD_NATPMP), ==, "natpmp");
  g_assert_cmpstr (portierctl_json_wan (PORTIER_WAN_PUBLIC), ==, "public");
  g_assert_cmpstr (portierctl_json_wan (PORTIER_WAN_DOUBLE_NAT), ==, "double-nat");
  g_assert_cmpstr (portierctl_json_wan (PORTIER_WAN_CGNAT), ==, "cgnat");
  g_assert_cmpstr (portierctl_json_wan (PORTIER_WAN_NO_PUBLIC_ADDRESS), ==,
                   "no-public-address");
  g_assert_cmpstr (portierctl_json_wan (PORTIER_WAN_DISCONNECTED), ==, "disconnected");
  g_assert_cmpstr (portierctl_json_wan (PORTIER_WAN_UNKNOWN), ==, "unknown");
  g_assert_cmpstr (portierctl_json_ipv6_status (PORTIER_IPV6_SKIPPED), ==, "skipped");
  g_assert_cmpstr (portierctl_json_ipv6_status (PORTIER_IPV6_NO_ADDRESS), ==, "no-address");
  g_assert_cmpstr (portierctl_json_ipv6_status (PORTIER_IPV6_NOT_NEEDED), ==, "not-needed");
  g_assert_cmpstr (portierctl_json_ipv6_status (PORTIER_IPV6_OPENED), ==, "opened");
  g_assert_cmpstr (portierctl_json_ipv6_status (PORTIER_IPV6_FAILED), ==, "failed");
}

/* An opening's router step in JSON: the members a router gives, and none without one. */
static void
test_open_result_router (void)
{
  PortierPortSpec spec = { 25565, 25565, PORTIER_PROTOCOL_TCP };
  g_autoptr(PortierOpenResult) result = portier_open_result_new (&spec);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  JsonObject *router;
  JsonObject *ipv6;

  portierctl_add_open_result (builder, result);
  node = json_builder_get_root (builder);
  router = json_object_get_object_member (json_node_get_object (node), "router");
  g_assert_false (json_object_has_member (router, "method"));
  g_assert_false (json_object_has_member (router, "wan"));
  g_assert_false (json_object_has_member (router, "lease"));
  g_assert_false (json_object_has_member (router, "ipv6"));
  g_clear_pointer (&node, json_node_unref);

  portier_open_result_set_router (result, PORTIER_ROUTER_METHOD_NATPMP, PORTIER_WAN_CGNAT);
  result->ipv6_status = PORTIER_IPV6_NO_ADDRESS;
  json_builder_reset (builder);
  portierctl_add_open_result (builder, result);
  node = json_builder_get_root (builder);
  router = json_object_get_object_member (json_node_get_object (node), "router");
  g_assert_cmpstr (json_object_get_string_member (router, "method"), ==, "natpmp");
  g_assert_cmpstr (json_object_get_string_member (router, "wan"), ==, "cgnat");
  g_assert_true (json_object_has_member (router, "lease"));
  ipv6 = json_object_get_object_member (router, "ipv6");
  g_assert_cmpstr (json_object_get_string_member (ipv6, "status"), ==, "no-address");
  g_assert_nonnull (result->wan_description);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/portierctl-json/complete", test_complete);
  g_test_add_func ("/portierctl-json/diagnosis-words", test_diagnosis_words);
  g_test_add_func ("/portierctl-json/owner-words", test_owner_words);
  g_test_add_func ("/portierctl-json/router-words", test_router_words);
  g_test_add_func ("/portierctl-json/open-result-router", test_open_result_router);

  return g_test_run ();
}
