/* test-network.c: the kernel's view of the network
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gstdio.h>

#include "portier-network.h"

static char *
fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "network", name, NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static void
test_route (void)
{
  g_autofree char *contents = fixture ("route");
  g_autofree char *interface = NULL;
  g_autofree char *gateway = NULL;

  /* The lowest metric wins: eth0 (100) over wlan0 (600). */
  g_assert_true (portier_network_parse_route (contents, &interface, &gateway));
  g_assert_cmpstr (interface, ==, "eth0");
  g_assert_cmpstr (gateway, ==, "192.168.1.254");
}

static void
test_route_none (void)
{
  g_autofree char *interface = NULL;
  g_autofree char *gateway = NULL;
  const char *only_lan = "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"
                         "eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\n";

  g_assert_false (portier_network_parse_route (only_lan, &interface, &gateway));
  g_assert_null (interface);
  g_assert_false (portier_network_parse_route ("", &interface, &gateway));
}

static void
test_ipv6_route (void)
{
  g_autofree char *contents = fixture ("ipv6_route");
  g_autofree char *interface = NULL;
  g_autofree char *gateway = NULL;

  /* eth0 (metric 0x64) beats wlan0 (0x400); lo's reject route never counts. */
  g_assert_true (portier_network_parse_ipv6_route (contents, &interface, &gateway));
  g_assert_cmpstr (interface, ==, "eth0");
  g_assert_cmpstr (gateway, ==, "fe80::2");
}

/* A fake /proc and /sys: the file layout the kernel has, with our contents. */
static char *
make_root (const char *route_fixture,
           const char *tunnel)
{
  g_autofree char *root = g_dir_make_tmp ("portier-network-XXXXXX", NULL);
  g_autofree char *net = g_build_filename (root, "proc", "net", NULL);
  g_autofree char *route = g_build_filename (net, "route", NULL);
  g_autofree char *contents = fixture (route_fixture);

  g_assert_cmpint (g_mkdir_with_parents (net, 0755), ==, 0);
  g_assert_true (g_file_set_contents (route, contents, -1, NULL));

  if (tunnel != NULL)
    {
      g_autofree char *dir = g_build_filename (root, "sys", "class", "net", tunnel, NULL);
      g_autofree char *flags = g_build_filename (dir, "tun_flags", NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      g_assert_true (g_file_set_contents (flags, "0x1001\n", -1, NULL));
    }
  return g_steal_pointer (&root);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  g_rmdir (path);
}

static void
test_kernel_plain (void)
{
  g_autofree char *root = make_root ("route", NULL);
  g_autofree char *proc = g_build_filename (root, "proc", NULL);
  g_autofree char *sys = g_build_filename (root, "sys", NULL);
  g_autoptr(PortierNetworkInfo) info = portier_network_read_kernel (proc, sys);

  g_assert_cmpint (info->source, ==, PORTIER_NETWORK_SOURCE_KERNEL);
  g_assert_true (info->connected);
  g_assert_cmpstr (info->interface, ==, "eth0");
  g_assert_cmpstr (info->ipv4_gateway, ==, "192.168.1.254");
  g_assert_cmpint (info->vpn_active, ==, PORTIER_TRISTATE_NO);
  g_assert_null (info->vpn_interface);
  /* What only NetworkManager knows stays unknown. */
  g_assert_null (info->connection_name);
  g_assert_null (info->firewall_zone);
  g_assert_cmpint (info->metered, ==, PORTIER_TRISTATE_UNKNOWN);
  g_assert_nonnull (info->ipv6_addresses);
  remove_tree (root);
}

static void
test_kernel_openvpn (void)
{
  g_autofree char *root = make_root ("route-openvpn", "tun0");
  g_autofree char *proc = g_build_filename (root, "proc", NULL);
  g_autofree char *sys = g_build_filename (root, "sys", NULL);
  g_autoptr(PortierNetworkInfo) info = portier_network_read_kernel (proc, sys);

  /* OpenVPN's two /1 routes through tun0 carry all traffic; the LAN side stays eth0. */
  g_assert_cmpstr (info->interface, ==, "eth0");
  g_assert_cmpstr (info->ipv4_gateway, ==, "192.168.1.1");
  g_assert_cmpint (info->vpn_active, ==, PORTIER_TRISTATE_YES);
  g_assert_cmpstr (info->vpn_interface, ==, "tun0");
  remove_tree (root);
}

static void
test_kernel_nothing (void)
{
  g_autoptr(PortierNetworkInfo) info = portier_network_read_kernel ("/nonexistent",
                                                                    "/nonexistent");

  g_assert_false (info->connected);
  g_assert_null (info->interface);
  g_assert_null (info->ipv4_address);
  g_assert_cmpint (info->vpn_active, ==, PORTIER_TRISTATE_NO);
}

static void
test_info_copy_equal (void)
{
  g_autoptr(PortierNetworkInfo) a = portier_network_info_new ();
  g_autoptr(PortierNetworkInfo) b = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;

  a->interface = g_strdup ("eth0");
  g_strfreev (a->ipv6_addresses);
  a->ipv6_addresses = g_strsplit ("2001:db8::10", " ", -1);
  b = portier_network_info_copy (a);
  g_assert_true (portier_network_info_equal (a, b));
  g_free (b->interface);
  b->interface = g_strdup ("wlan0");
  g_assert_false (portier_network_info_equal (a, b));

  portier_network_info_serialize (a, builder);
  node = json_builder_get_root (builder);
  json = json_to_string (node, FALSE);
  g_assert_nonnull (strstr (json, "\"interface\":\"eth0\""));
  g_assert_nonnull (strstr (json, "\"ipv6_addresses\":[\"2001:db8::10\"]"));
  g_assert_nonnull (strstr (json, "\"firewall_zone\":null"));
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_live_kernel (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PortierNetwork) network = NULL;
  g_autoptr(PortierNetworkInfo) direct = portier_network_read_kernel ("/proc", "/sys");
  g_autoptr(GError) error = NULL;
  const PortierNetworkInfo *info;

  portier_network_new_async (NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  network = portier_network_new_finish (result, &error);
  g_assert_no_error (error);

  info = portier_network_get_info (network);
  g_assert_nonnull (info);
  g_assert_cmpint (info->source, ==, PORTIER_NETWORK_SOURCE_KERNEL);
  /* The object reports what the kernel says, whatever this machine's network is. */
  g_assert_true (portier_network_info_equal (info, direct));
  g_clear_object (&result);
  g_assert_finalize_object (g_steal_pointer (&network));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("PORTIER_NETWORK_SOURCE", "kernel", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/network/parse/route", test_route);
  g_test_add_func ("/network/parse/route-none", test_route_none);
  g_test_add_func ("/network/parse/ipv6-route", test_ipv6_route);
  g_test_add_func ("/network/kernel/plain", test_kernel_plain);
  g_test_add_func ("/network/kernel/openvpn", test_kernel_openvpn);
  g_test_add_func ("/network/kernel/nothing", test_kernel_nothing);
  g_test_add_func ("/network/info", test_info_copy_equal);
  g_test_add_func ("/network/live-kernel", test_live_kernel);

  return g_test_run ();
}
