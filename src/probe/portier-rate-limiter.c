/* portier-rate-limiter.c: how much each address may ask of the probe server
 *
 * One table of the clients seen recently. Each entry holds a token bucket (requests
 * over time), the probes it has running and the connections it holds open. A client is
 * an IPv4 address or an IPv6 /64: the block one home network gets, in which one host can
 * take as many addresses as it likes. IPv6 clients are counted a second time by /56 (what
 * one site often gets), against a budget of their own. The table has a fixed upper size,
 * so no stream of new addresses can grow it without bound; entries leave once they are
 * idle and their bucket has refilled.
 *
 * Time comes in as an argument, so the tests run on a clock they control.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-probe"

#include "config.h"

#include <string.h>
#include <sys/random.h>

#include "portier-rate-limiter.h"

typedef struct
{
  guint8 bits;        /* 32 (IPv4), 64 (IPv6 /64) or 56 (IPv6 /56) */
  guint8 bytes[16];
} Key;

typedef struct
{
  Key    key;
  double tokens;
  gint64 updated_us;
  guint  pending;
  guint  connections;
} Entry;

struct _PortierRateLimiter
{
  GObject     parent_instance;

  GHashTable *entries;        /* Entry* (key and value) */
  guint64     seed;           /* against hash flooding */
  gint64      last_sweep_us;

  double      rate;           /* tokens a microsecond, per client */
  double      burst;
  double      prefix_rate;    /* per IPv6 /56 */
  double      prefix_burst;
  guint       max_pending;
  guint       max_pending_per_address;
  guint       prefix_max_pending;
  guint       max_connections;
  guint       max_connections_per_address;
  guint       prefix_max_connections;
  guint       max_tracked;

  guint       n_pending;
  guint       n_connections;
};

G_DEFINE_FINAL_TYPE (PortierRateLimiter, portier_rate_limiter, G_TYPE_OBJECT)

/* A full sweep walks the whole table; under a flood of new addresses it runs at most
 * this often. */
#define SWEEP_INTERVAL_US (G_USEC_PER_SEC)

/* An IPv6 client is its /64; its site, a /56. */
#define CLIENT_BITS_IPV6 64
#define SITE_BITS 56

/* FNV-1a over the key. The key carries the table's random seed (see make_key()), so
 * nobody outside can pick addresses that collide. */
static guint
entry_hash (gconstpointer data)
{
  const Entry *entry = data;
  guint64 hash = 0xcbf29ce484222325ULL;

  hash ^= entry->key.bits;
  hash *= 0x100000001b3ULL;
  for (guint i = 0; i < sizeof entry->key.bytes; i++)
    {
      hash ^= entry->key.bytes[i];
      hash *= 0x100000001b3ULL;
    }
  return (guint) (hash ^ (hash >> 32));
}

static gboolean
entry_equal (gconstpointer a,
             gconstpointer b)
{
  return memcmp (&((const Entry *) a)->key, &((const Entry *) b)->key, sizeof (Key)) == 0;
}

static void
portier_rate_limiter_finalize (GObject *object)
{
  PortierRateLimiter *self = PORTIER_RATE_LIMITER (object);

  g_hash_table_unref (self->entries);

  G_OBJECT_CLASS (portier_rate_limiter_parent_class)->finalize (object);
}

static void
portier_rate_limiter_class_init (PortierRateLimiterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_rate_limiter_finalize;
}

static void
portier_rate_limiter_init (PortierRateLimiter *self)
{
  self->entries = g_hash_table_new_full (entry_hash, entry_equal, g_free, NULL);
  if (getrandom (&self->seed, sizeof self->seed, 0) != sizeof self->seed)
    self->seed = (guint64) g_get_monotonic_time () ^ (guint64) g_get_real_time ();
}

PortierRateLimiter *
portier_rate_limiter_new (const PortierProbeConfig *config)
{
  PortierRateLimiter *self = g_object_new (PORTIER_TYPE_RATE_LIMITER, NULL);

  self->rate = config->requests_per_minute / (60.0 * G_USEC_PER_SEC);
  self->burst = config->request_burst;
  self->prefix_rate = config->prefix_requests_per_minute / (60.0 * G_USEC_PER_SEC);
  self->prefix_burst = config->prefix_request_burst;
  self->max_pending = config->max_pending_probes;
  self->max_pending_per_address = config->max_pending_probes_per_address;
  self->prefix_max_pending = config->prefix_max_pending_probes;
  self->max_connections = config->max_connections;
  self->max_connections_per_address = config->max_connections_per_address;
  self->prefix_max_connections = config->prefix_max_connections;
  self->max_tracked = config->max_tracked_addresses;
  return self;
}

/* The seed goes into the key itself: the first bytes of an IPv4 key are unused, and the
 * unused tail of an IPv6 key too, so mixing the seed into those never merges two keys. */
static void
make_key (PortierRateLimiter *self,
          GInetAddress       *address,
          guint8              bits,
          Key                *key)
{
  const guint8 *bytes = g_inet_address_to_bytes (address);
  gsize size = g_inet_address_get_native_size (address);

  memset (key, 0, sizeof *key);
  key->bits = bits;
  if (size == 4)
    {
      memcpy (key->bytes, &self->seed, 8);
      memcpy (key->bytes + 12, bytes, 4);
    }
  else
    {
      memcpy (key->bytes, bytes, bits / 8);
      memcpy (key->bytes + 8, &self->seed, 8);
    }
}

static double
refill (const Entry *entry,
        double       rate,
        double       burst,
        gint64       now_us)
{
  gint64 elapsed = MAX (now_us - entry->updated_us, 0);

  return MIN (burst, entry->tokens + elapsed * rate);
}

static gboolean
entry_is_idle (PortierRateLimiter *self,
               const Entry        *entry,
               gint64              now_us)
{
  double rate = entry->key.bits == SITE_BITS ? self->prefix_rate : self->rate;
  double burst = entry->key.bits == SITE_BITS ? self->prefix_burst : self->burst;

  return entry->pending == 0 && entry->connections == 0 &&
         refill (entry, rate, burst, now_us) >= burst;
}

static void
sweep_entries (PortierRateLimiter *self,
              gint64              now_us)
{
  GHashTableIter iter;
  Entry *entry;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, (gpointer *) &entry, NULL))
    if (entry_is_idle (self, entry, now_us))
      g_hash_table_iter_remove (&iter);
  self->last_sweep_us = now_us;
}

/* Returns NULL when the table is full of busy entries: then the server is “busy”. */
static Entry *
lookup (PortierRateLimiter *self,
               GInetAddress       *address,
               guint8              bits,
               gint64              now_us)
{
  Entry probe;
  Entry *entry;

  make_key (self, address, bits, &probe.key);
  entry = g_hash_table_lookup (self->entries, &probe);
  if (entry != NULL)
    return entry;

  if (g_hash_table_size (self->entries) >= self->max_tracked)
    {
      if (now_us - self->last_sweep_us < SWEEP_INTERVAL_US)
        return NULL;
      sweep_entries (self, now_us);
      if (g_hash_table_size (self->entries) >= self->max_tracked)
        return NULL;
    }

  entry = g_new0 (Entry, 1);
  entry->key = probe.key;
  entry->tokens = bits == SITE_BITS ? self->prefix_burst : self->burst;
  entry->updated_us = now_us;
  g_hash_table_add (self->entries, entry);
  return entry;
}

static guint8
client_bits (GInetAddress *address)
{
  return g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4 ? 32 : CLIENT_BITS_IPV6;
}

/* The entries of @address: its client, and (IPv6) its site, or NULL. Returns FALSE when
 * the table has no room for them: then the server is “busy”. */
static gboolean
lookup_both (PortierRateLimiter  *self,
             GInetAddress        *address,
             gint64               now_us,
             Entry              **client,
             Entry              **site)
{
  *site = NULL;
  *client = lookup (self, address, client_bits (address), now_us);
  if (*client == NULL)
    return FALSE;
  if (client_bits (address) == CLIENT_BITS_IPV6)
    {
      *site = lookup (self, address, SITE_BITS, now_us);
      if (*site == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Like lookup_both(), for counts that must already be there. */
static void
find_both (PortierRateLimiter  *self,
           GInetAddress        *address,
           Entry              **client,
           Entry              **site)
{
  Entry probe;

  make_key (self, address, client_bits (address), &probe.key);
  *client = g_hash_table_lookup (self->entries, &probe);
  *site = NULL;
  if (client_bits (address) == CLIENT_BITS_IPV6)
    {
      make_key (self, address, SITE_BITS, &probe.key);
      *site = g_hash_table_lookup (self->entries, &probe);
    }
}

static guint
seconds_until_token (double tokens,
                     double rate)
{
  double wait_us = (1.0 - tokens) / rate;

  return (guint) MAX (1.0, wait_us / G_USEC_PER_SEC + 0.999);
}

/**
 * portier_rate_limiter_take_request:
 * @retry_after: (out): when the result is %PORTIER_LIMIT_RATE, the seconds until the
 *   next request would be allowed
 *
 * Takes one request from the buckets of @address's client (and of its /56 for IPv6), or
 * none when one of them is empty.
 */
PortierLimit
portier_rate_limiter_take_request (PortierRateLimiter *self,
                                   GInetAddress       *address,
                                   gint64              now_us,
                                   guint              *retry_after)
{
  Entry *entry, *site;
  double tokens, site_tokens = 0;

  *retry_after = 0;

  if (!lookup_both (self, address, now_us, &entry, &site))
    return PORTIER_LIMIT_BUSY;

  tokens = refill (entry, self->rate, self->burst, now_us);
  if (site != NULL)
    site_tokens = refill (site, self->prefix_rate, self->prefix_burst, now_us);

  if (tokens < 1.0 || (site != NULL && site_tokens < 1.0))
    {
      guint wait = tokens < 1.0 ? seconds_until_token (tokens, self->rate) : 0;

      if (site != NULL && site_tokens < 1.0)
        wait = MAX (wait, seconds_until_token (site_tokens, self->prefix_rate));
      *retry_after = wait;
      return PORTIER_LIMIT_RATE;
    }

  entry->tokens = tokens - 1.0;
  entry->updated_us = now_us;
  if (site != NULL)
    {
      site->tokens = site_tokens - 1.0;
      site->updated_us = now_us;
    }
  return PORTIER_LIMIT_OK;
}

/**
 * portier_rate_limiter_begin_probe:
 *
 * Counts one more running probe for @address's client, unless the client, its /56 or
 * the server already runs as many as allowed. Each %PORTIER_LIMIT_OK needs one
 * portier_rate_limiter_end_probe().
 */
PortierLimit
portier_rate_limiter_begin_probe (PortierRateLimiter *self,
                                  GInetAddress       *address,
                                  gint64              now_us)
{
  Entry *entry, *site;

  if (self->n_pending >= self->max_pending)
    return PORTIER_LIMIT_BUSY;
  if (!lookup_both (self, address, now_us, &entry, &site))
    return PORTIER_LIMIT_BUSY;
  if (entry->pending >= self->max_pending_per_address ||
      (site != NULL && site->pending >= self->prefix_max_pending))
    return PORTIER_LIMIT_PENDING;

  entry->pending++;
  if (site != NULL)
    site->pending++;
  self->n_pending++;
  return PORTIER_LIMIT_OK;
}

void
portier_rate_limiter_end_probe (PortierRateLimiter *self,
                                GInetAddress       *address)
{
  Entry *entry, *site;

  find_both (self, address, &entry, &site);
  g_return_if_fail (entry != NULL && entry->pending > 0);
  g_return_if_fail (client_bits (address) == 32 || (site != NULL && site->pending > 0));
  entry->pending--;
  if (site != NULL)
    site->pending--;
  self->n_pending--;
}

/**
 * portier_rate_limiter_open_connection:
 * @address: (nullable): the peer, or %NULL to count the connection only in the total
 *   (a trusted proxy carries many clients' connections)
 *
 * Like portier_rate_limiter_begin_probe(), for open connections.
 */
PortierLimit
portier_rate_limiter_open_connection (PortierRateLimiter *self,
                                      GInetAddress       *address,
                                      gint64              now_us)
{
  Entry *entry, *site;

  if (self->n_connections >= self->max_connections)
    return PORTIER_LIMIT_BUSY;

  if (address != NULL)
    {
      if (!lookup_both (self, address, now_us, &entry, &site))
        return PORTIER_LIMIT_BUSY;
      if (entry->connections >= self->max_connections_per_address ||
          (site != NULL && site->connections >= self->prefix_max_connections))
        return PORTIER_LIMIT_PENDING;
      entry->connections++;
      if (site != NULL)
        site->connections++;
    }

  self->n_connections++;
  return PORTIER_LIMIT_OK;
}

void
portier_rate_limiter_close_connection (PortierRateLimiter *self,
                                       GInetAddress       *address)
{
  Entry *entry, *site;

  g_return_if_fail (self->n_connections > 0);
  self->n_connections--;
  if (address == NULL)
    return;

  find_both (self, address, &entry, &site);
  g_return_if_fail (entry != NULL && entry->connections > 0);
  g_return_if_fail (client_bits (address) == 32 || (site != NULL && site->connections > 0));
  entry->connections--;
  if (site != NULL)
    site->connections--;
}

/**
 * portier_rate_limiter_sweep:
 *
 * Forgets the addresses that are idle and whose buckets have refilled: remembering them
 * would change nothing.
 */
void
portier_rate_limiter_sweep (PortierRateLimiter *self,
                            gint64              now_us)
{
  sweep_entries (self, now_us);
}

guint
portier_rate_limiter_get_n_pending (PortierRateLimiter *self)
{
  return self->n_pending;
}

guint
portier_rate_limiter_get_n_connections (PortierRateLimiter *self)
{
  return self->n_connections;
}

guint
portier_rate_limiter_get_n_tracked (PortierRateLimiter *self)
{
  return g_hash_table_size (self->entries);
}

const char *
portier_limit_to_string (PortierLimit limit)
{
  switch (limit)
    {
    case PORTIER_LIMIT_OK:
      return "ok";
    case PORTIER_LIMIT_RATE:
      return "rate-limited";
    case PORTIER_LIMIT_PENDING:
      return "too-many-at-once";
    case PORTIER_LIMIT_BUSY:
      return "busy";
    default:
      g_return_val_if_reached ("busy");
    }
}
