/* test-rate-limiter.c: the probe server's limits, on a clock the test controls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "portier-rate-limiter.h"

#define SECOND ((gint64) G_USEC_PER_SEC)

static GInetAddress *
address (const char *text)
{
  return g_inet_address_new_from_string (text);
}

static PortierRateLimiter *
make_limiter (guint per_minute,
              guint burst,
              guint prefix_per_minute,
              guint prefix_burst)
{
  g_autoptr(PortierProbeConfig) config = portier_probe_config_new ();

  config->requests_per_minute = per_minute;
  config->request_burst = burst;
  config->prefix_requests_per_minute = prefix_per_minute;
  config->prefix_request_burst = prefix_burst;
  config->max_pending_probes = 3;
  config->max_pending_probes_per_address = 2;
  config->max_connections = 3;
  config->max_connections_per_address = 2;
  config->max_tracked_addresses = 16;
  return portier_rate_limiter_new (config);
}

static void
test_bucket (void)
{
  g_autoptr(PortierRateLimiter) limiter = make_limiter (60, 3, 1000, 1000);
  g_autoptr(GInetAddress) a = address ("192.0.2.1");
  g_autoptr(GInetAddress) b = address ("192.0.2.2");
  gint64 now = 1000 * SECOND;
  guint retry = 0;

  /* A burst of three, then one a second. */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (portier_rate_limiter_take_request (limiter, a, now, &retry), ==,
                     PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_take_request (limiter, a, now, &retry), ==,
                   PORTIER_LIMIT_RATE);
  g_assert_cmpuint (retry, ==, 1);

  /* Another address has its own bucket. */
  g_assert_cmpint (portier_rate_limiter_take_request (limiter, b, now, &retry), ==,
                   PORTIER_LIMIT_OK);

  g_assert_cmpint (portier_rate_limiter_take_request (limiter, a, now + SECOND / 2, &retry),
                   ==, PORTIER_LIMIT_RATE);
  g_assert_cmpint (portier_rate_limiter_take_request (limiter, a, now + SECOND, &retry), ==,
                   PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_take_request (limiter, a, now + SECOND, &retry), ==,
                   PORTIER_LIMIT_RATE);

  /* Refilled to the burst, never above it. */
  now += 3600 * SECOND;
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (portier_rate_limiter_take_request (limiter, a, now, &retry), ==,
                     PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_take_request (limiter, a, now, &retry), ==,
                   PORTIER_LIMIT_RATE);
}

static void
test_ipv6_prefix (void)
{
  g_autoptr(PortierRateLimiter) limiter = make_limiter (60, 2, 60, 3);
  g_autoptr(GInetAddress) a = address ("2001:db8:1:2::1");
  g_autoptr(GInetAddress) b = address ("2001:db8:1:2::2");
  g_autoptr(GInetAddress) c = address ("2001:db8:1:2:ffff::3");
  g_autoptr(GInetAddress) next = address ("2001:db8:1:3::1");
  g_autoptr(GInetAddress) third = address ("2001:db8:1:ff::1");
  g_autoptr(GInetAddress) other = address ("2001:db8:1:100::1");
  gint64 now = 50 * SECOND;
  guint retry;

  /* Each /64 may burst 2, the /56 all together 3. */
  g_assert_cmpint (portier_rate_limiter_take_request (limiter, a, now, &retry), ==,
                   PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_take_request (limiter, a, now, &retry), ==,
                   PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_take_request (limiter, a, now, &retry), ==,
                   PORTIER_LIMIT_RATE);
  /* New addresses in the same /64 do not help. */
  g_assert_cmpint (portier_rate_limiter_take_request (limiter, b, now, &retry), ==,
                   PORTIER_LIMIT_RATE);
  g_assert_cmpint (portier_rate_limiter_take_request (limiter, c, now, &retry), ==,
                   PORTIER_LIMIT_RATE);
  g_assert_cmpuint (retry, >=, 1);
  /* Another /64 of the same /56 has the rest of the site's budget. */
  g_assert_cmpint (portier_rate_limiter_take_request (limiter, next, now, &retry), ==,
                   PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_take_request (limiter, third, now, &retry), ==,
                   PORTIER_LIMIT_RATE);
  /* Another /56 is another site. */
  g_assert_cmpint (portier_rate_limiter_take_request (limiter, other, now, &retry), ==,
                   PORTIER_LIMIT_OK);
}

static void
test_pending_probes (void)
{
  g_autoptr(PortierRateLimiter) limiter = make_limiter (60, 10, 60, 10);
  g_autoptr(GInetAddress) a = address ("192.0.2.1");
  g_autoptr(GInetAddress) b = address ("2001:db8::1");
  g_autoptr(GInetAddress) c = address ("198.51.100.1");

  g_assert_cmpint (portier_rate_limiter_begin_probe (limiter, a, 0), ==, PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_begin_probe (limiter, a, 0), ==, PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_begin_probe (limiter, a, 0), ==, PORTIER_LIMIT_PENDING);
  g_assert_cmpint (portier_rate_limiter_begin_probe (limiter, b, 0), ==, PORTIER_LIMIT_OK);
  /* Three in all. */
  g_assert_cmpint (portier_rate_limiter_begin_probe (limiter, c, 0), ==, PORTIER_LIMIT_BUSY);
  g_assert_cmpuint (portier_rate_limiter_get_n_pending (limiter), ==, 3);

  portier_rate_limiter_end_probe (limiter, a);
  g_assert_cmpint (portier_rate_limiter_begin_probe (limiter, c, 0), ==, PORTIER_LIMIT_OK);
  portier_rate_limiter_end_probe (limiter, a);
  portier_rate_limiter_end_probe (limiter, b);
  portier_rate_limiter_end_probe (limiter, c);
  g_assert_cmpuint (portier_rate_limiter_get_n_pending (limiter), ==, 0);
}

static void
test_connections (void)
{
  g_autoptr(PortierRateLimiter) limiter = make_limiter (60, 10, 60, 10);
  g_autoptr(GInetAddress) a = address ("192.0.2.1");

  g_assert_cmpint (portier_rate_limiter_open_connection (limiter, a, 0), ==, PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_open_connection (limiter, a, 0), ==, PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_open_connection (limiter, a, 0), ==,
                   PORTIER_LIMIT_PENDING);
  /* A trusted proxy counts in the total only. */
  g_assert_cmpint (portier_rate_limiter_open_connection (limiter, NULL, 0), ==,
                   PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_open_connection (limiter, NULL, 0), ==,
                   PORTIER_LIMIT_BUSY);
  g_assert_cmpuint (portier_rate_limiter_get_n_connections (limiter), ==, 3);
  portier_rate_limiter_close_connection (limiter, a);
  portier_rate_limiter_close_connection (limiter, NULL);
  portier_rate_limiter_close_connection (limiter, a);
  g_assert_cmpuint (portier_rate_limiter_get_n_connections (limiter), ==, 0);
}

/* One host with a /64 has as many addresses as it likes: connections and probes are
 * counted per /64, like one IPv4 address. */
static void
test_ipv6_network_is_one_client (void)
{
  g_autoptr(PortierRateLimiter) limiter = make_limiter (60, 10, 60, 10);
  g_autoptr(GInetAddress) a = address ("2001:db8:1:2::1");
  g_autoptr(GInetAddress) b = address ("2001:db8:1:2::2");
  g_autoptr(GInetAddress) c = address ("2001:db8:1:2:ffff::3");
  g_autoptr(GInetAddress) other = address ("2001:db8:9:3::1");

  g_assert_cmpint (portier_rate_limiter_open_connection (limiter, a, 0), ==, PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_open_connection (limiter, b, 0), ==, PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_open_connection (limiter, c, 0), ==,
                   PORTIER_LIMIT_PENDING);
  g_assert_cmpint (portier_rate_limiter_open_connection (limiter, other, 0), ==,
                   PORTIER_LIMIT_OK);
  portier_rate_limiter_close_connection (limiter, a);
  g_assert_cmpint (portier_rate_limiter_open_connection (limiter, c, 0), ==, PORTIER_LIMIT_OK);

  g_assert_cmpint (portier_rate_limiter_begin_probe (limiter, a, 0), ==, PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_begin_probe (limiter, b, 0), ==, PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_begin_probe (limiter, c, 0), ==, PORTIER_LIMIT_PENDING);
  portier_rate_limiter_end_probe (limiter, a);
  portier_rate_limiter_end_probe (limiter, b);
  portier_rate_limiter_close_connection (limiter, b);
  portier_rate_limiter_close_connection (limiter, c);
  portier_rate_limiter_close_connection (limiter, other);
  g_assert_cmpuint (portier_rate_limiter_get_n_connections (limiter), ==, 0);
  g_assert_cmpuint (portier_rate_limiter_get_n_pending (limiter), ==, 0);
}

/* Many /64s of one /56 (what one home or one rented server often gets) share a budget
 * of connections and probes. */
static void
test_ipv6_site_budget (void)
{
  g_autoptr(PortierProbeConfig) config = portier_probe_config_new ();
  g_autoptr(PortierRateLimiter) limiter = NULL;
  g_autoptr(GInetAddress) sixth = address ("2001:db8:1:ff::1");
  g_autoptr(GInetAddress) elsewhere = address ("2001:db8:1:100::1");
  g_autoptr(GInetAddress) first = address ("2001:db8:1::1");

  config->max_connections = 100;
  config->max_connections_per_address = 2;
  config->prefix_max_connections = 5;
  config->max_pending_probes = 100;
  config->max_pending_probes_per_address = 2;
  config->prefix_max_pending_probes = 3;
  limiter = portier_rate_limiter_new (config);

  /* 2001:db8:1::/56 holds 2001:db8:1:0::/64 to 2001:db8:1:ff::/64. */
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *text = g_strdup_printf ("2001:db8:1:%x::1", i * 16);
      g_autoptr(GInetAddress) one = address (text);

      g_assert_cmpint (portier_rate_limiter_open_connection (limiter, one, 0), ==,
                       PORTIER_LIMIT_OK);
      g_assert_cmpint (portier_rate_limiter_begin_probe (limiter, one, 0), ==,
                       i < 3 ? PORTIER_LIMIT_OK : PORTIER_LIMIT_PENDING);
    }
  g_assert_cmpint (portier_rate_limiter_open_connection (limiter, sixth, 0), ==,
                   PORTIER_LIMIT_PENDING);
  /* Another /56 is another site. */
  g_assert_cmpint (portier_rate_limiter_open_connection (limiter, elsewhere, 0), ==,
                   PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_begin_probe (limiter, elsewhere, 0), ==,
                   PORTIER_LIMIT_OK);

  /* What ends gives room back to the site. */
  portier_rate_limiter_close_connection (limiter, first);
  portier_rate_limiter_end_probe (limiter, first);
  g_assert_cmpint (portier_rate_limiter_open_connection (limiter, sixth, 0), ==,
                   PORTIER_LIMIT_OK);
  g_assert_cmpint (portier_rate_limiter_begin_probe (limiter, sixth, 0), ==, PORTIER_LIMIT_OK);
  g_assert_cmpuint (portier_rate_limiter_get_n_connections (limiter), ==, 6);
  g_assert_cmpuint (portier_rate_limiter_get_n_pending (limiter), ==, 4);
}

static void
test_table_is_bounded (void)
{
  g_autoptr(PortierRateLimiter) limiter = make_limiter (60, 1, 60, 1);
  g_autoptr(GInetAddress) busy = address ("203.0.113.200");
  gint64 now = 10 * SECOND;
  guint retry;

  /* A flood of new addresses fills the table (16 entries) ... */
  for (guint i = 0; i < 16; i++)
    {
      g_autofree char *text = g_strdup_printf ("198.51.100.%u", i);
      g_autoptr(GInetAddress) one = address (text);

      g_assert_cmpint (portier_rate_limiter_take_request (limiter, one, now, &retry), ==,
                       PORTIER_LIMIT_OK);
    }
  g_assert_cmpuint (portier_rate_limiter_get_n_tracked (limiter), ==, 16);

  /* ... and then the server is busy for new ones, and does not grow. */
  g_assert_cmpint (portier_rate_limiter_take_request (limiter, busy, now, &retry), ==,
                   PORTIER_LIMIT_BUSY);
  g_assert_cmpuint (portier_rate_limiter_get_n_tracked (limiter), ==, 16);

  /* Once their buckets have refilled, they are forgotten and there is room again. */
  now += 2 * SECOND;
  g_assert_cmpint (portier_rate_limiter_take_request (limiter, busy, now, &retry), ==,
                   PORTIER_LIMIT_OK);
  g_assert_cmpuint (portier_rate_limiter_get_n_tracked (limiter), ==, 1);

  /* An address with a probe under way is never forgotten. */
  g_assert_cmpint (portier_rate_limiter_begin_probe (limiter, busy, now), ==, PORTIER_LIMIT_OK);
  portier_rate_limiter_sweep (limiter, now + 3600 * SECOND);
  g_assert_cmpuint (portier_rate_limiter_get_n_tracked (limiter), ==, 1);
  portier_rate_limiter_end_probe (limiter, busy);
  portier_rate_limiter_sweep (limiter, now + 3600 * SECOND);
  g_assert_cmpuint (portier_rate_limiter_get_n_tracked (limiter), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rate-limiter/bucket", test_bucket);
  g_test_add_func ("/rate-limiter/ipv6-prefix", test_ipv6_prefix);
  g_test_add_func ("/rate-limiter/pending-probes", test_pending_probes);
  g_test_add_func ("/rate-limiter/connections", test_connections);
  g_test_add_func ("/rate-limiter/ipv6-network-is-one-client", test_ipv6_network_is_one_client);
  g_test_add_func ("/rate-limiter/ipv6-site-budget", test_ipv6_site_budget);
  g_test_add_func ("/rate-limiter/table-is-bounded", test_table_is_bounded);

  return g_test_run ();
}
