/* fake-peers.c: a router, a firewall and a test from the internet that live in memory
 *
 * See fake-peers.h for why these fakes exist and where the real peers are tested.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fake-peers.h"
#include "portier-error.h"

#define LAN_ADDRESS "192.168.1.20"
#define PUBLIC_ADDRESS "198.51.100.23"

/* ---- the router ---- */

struct _FakeRouter
{
  GObject            parent_instance;

  PortierRouterInfo  info;
  GPtrArray         *mappings;    /* of PortierMapping */
  guint16            refused;
  guint              added;
};

static void fake_router_iface_init (PortierRouterInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeRouter, fake_router, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PORTIER_TYPE_ROUTER,
                                                      fake_router_iface_init))

static void
fake_router_finalize (GObject *object)
{
  FakeRouter *self = FAKE_ROUTER (object);

  g_ptr_array_unref (self->mappings);
  g_free (self->info.external_address);
  g_free (self->info.lan_address);
  g_free (self->info.gateway);
  G_OBJECT_CLASS (fake_router_parent_class)->finalize (object);
}

static void
fake_router_class_init (FakeRouterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fake_router_finalize;
}

static void
fake_router_init (FakeRouter *self)
{
  self->mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_mapping_free);
  self->info.method = PORTIER_ROUTER_METHOD_UPNP;
  self->info.wan_class = PORTIER_WAN_PUBLIC;
  self->info.lan_address = g_strdup (LAN_ADDRESS);
  self->info.gateway = g_strdup ("192.168.1.1");
}

FakeRouter *
fake_router_new (const char *external_address)
{
  FakeRouter *self = g_object_new (FAKE_TYPE_ROUTER, NULL);

  self->info.external_address = g_strdup (external_address);
  return self;
}

void
fake_router_refuse_port (FakeRouter *self,
                         guint16     port)
{
  self->refused = port;
}

static PortierMapping *
lookup (FakeRouter      *self,
        guint16          port,
        PortierProtocol  protocol)
{
  for (guint i = 0; i < self->mappings->len; i++)
    {
      PortierMapping *m = g_ptr_array_index (self->mappings, i);

      if (m->external_port == port && m->protocol == protocol)
        return m;
    }
  return NULL;
}

void
fake_router_put (FakeRouter *self,
                 guint16     port,
                 const char *internal_client,
                 const char *description)
{
  PortierMapping *m = g_new0 (PortierMapping, 1);

  m->method = PORTIER_ROUTER_METHOD_UPNP;
  m->external_port = m->internal_port = port;
  m->protocol = PORTIER_PROTOCOL_TCP;
  m->internal_client = g_strdup (internal_client);
  m->description = g_strdup (description);
  m->lease = 3600;
  m->enabled = TRUE;
  g_ptr_array_add (self->mappings, m);
}

guint
fake_router_count (FakeRouter *self)
{
  return self->mappings->len;
}

guint
fake_router_added (FakeRouter *self)
{
  return self->added;
}

gboolean
fake_router_has (FakeRouter *self,
                 guint16     port)
{
  return lookup (self, port, PORTIER_PROTOCOL_TCP) != NULL ||
         lookup (self, port, PORTIER_PROTOCOL_UDP) != NULL;
}

static const PortierRouterInfo *
router_get_info (PortierRouter *router)
{
  return &FAKE_ROUTER (router)->info;
}

typedef struct
{
  PortierMapping       *mapping;
  PortierRouterRefusal  refusal;
} AddData;

static void
add_data_free (AddData *data)
{
  g_clear_pointer (&data->mapping, portier_mapping_free);
  portier_router_refusal_clear (&data->refusal);
  g_free (data);
}

static void
router_add_mapping_async (PortierRouter               *router,
                          const PortierMappingRequest *request,
                          GCancellable                *cancellable,
                          GAsyncReadyCallback          callback,
                          gpointer                     user_data)
{
  FakeRouter *self = FAKE_ROUTER (router);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  AddData *data = g_new0 (AddData, 1);
  guint16 port = request->external_port != 0 ? request->external_port
                                             : request->internal_port;
  PortierMapping *m;

  g_task_set_task_data (task, data, (GDestroyNotify) add_data_free);
  if (g_task_return_error_if_cancelled (task))
    return;

  m = lookup (self, port, request->protocol);
  if (port == self->refused ||
      (m != NULL && g_strcmp0 (m->internal_client, LAN_ADDRESS) != 0))
    {
      data->refusal.router_code = 718;
      data->refusal.held_by = g_strdup ("192.168.1.99");
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_ROUTER_CONFLICT,
                               "ConflictInMappingEntry");
      return;
    }

  if (m == NULL)
    {
      m = g_new0 (PortierMapping, 1);
      m->method = PORTIER_ROUTER_METHOD_UPNP;
      m->external_port = port;
      m->internal_port = request->internal_port;
      m->protocol = request->protocol;
      m->internal_client = g_strdup (LAN_ADDRESS);
      g_ptr_array_add (self->mappings, m);
    }
  g_free (m->description);
  m->description = g_strdup (request->description);
  m->lease = request->lease;
  m->enabled = TRUE;
  self->added++;
  data->mapping = portier_mapping_copy (m);
  g_task_return_boolean (task, TRUE);
}

static PortierMapping *
router_add_mapping_finish (PortierRouter         *router,
                           GAsyncResult          *result,
                           PortierRouterRefusal  *refusal,
                           GError               **error)
{
  AddData *data = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    {
      if (refusal != NULL)
        {
          *refusal = data->refusal;
          data->refusal = (PortierRouterRefusal) { 0 };
        }
      return NULL;
    }
  return g_steal_pointer (&data->mapping);
}

static void
router_remove_mapping_async (PortierRouter        *router,
                             const PortierMapping *mapping,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data)
{
  FakeRouter *self = FAKE_ROUTER (router);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  PortierMapping *m = lookup (self, mapping->external_port, mapping->protocol);

  /* Only while it still points at this computer, like the real ones. */
  if (m != NULL && g_strcmp0 (m->internal_client, mapping->internal_client) == 0)
    g_ptr_array_remove (self->mappings, m);
  g_task_return_boolean (task, TRUE);
}

static gboolean
router_boolean_finish (PortierRouter  *router,
                       GAsyncResult   *result,
                       GError        **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
router_find_mapping_async (PortierRouter       *router,
                           guint16              external_port,
                           PortierProtocol      protocol,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  FakeRouter *self = FAKE_ROUTER (router);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  PortierMapping *m = lookup (self, external_port, protocol);

  if (m == NULL)
    g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND, "NoSuchEntryInArray");
  else
    g_task_return_pointer (task, portier_mapping_copy (m), (GDestroyNotify) portier_mapping_free);
}

static PortierMapping *
router_pointer_finish (PortierRouter  *router,
                       GAsyncResult   *result,
                       GError        **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
router_list_mappings_async (PortierRouter       *router,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  FakeRouter *self = FAKE_ROUTER (router);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_mapping_free);

  for (guint i = 0; i < self->mappings->len; i++)
    g_ptr_array_add (copy, portier_mapping_copy (self->mappings->pdata[i]));
  g_task_return_pointer (task, copy, (GDestroyNotify) g_ptr_array_unref);
}

static GPtrArray *
router_list_mappings_finish (PortierRouter  *router,
                             GAsyncResult   *result,
                             GError        **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* No IPv6 firewall control (info.pinholes is FALSE): nothing asks for these. */
static void
router_not_supported (gpointer            source,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  g_task_report_new_error (source, callback, user_data, NULL, PORTIER_ERROR,
                           PORTIER_ERROR_NOT_SUPPORTED, "not supported");
}

static void
router_refresh_async (PortierRouter       *router,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (router, cancellable, callback, user_data);

  g_task_return_boolean (task, TRUE);
}

static void
router_add_pinhole_async (PortierRouter       *router,
                          guint16              port,
                          PortierProtocol      protocol,
                          guint                lease,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  router_not_supported (router, cancellable, callback, user_data);
}

static PortierPinhole *
router_add_pinhole_finish (PortierRouter  *router,
                           GAsyncResult   *result,
                           GError        **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
router_remove_pinhole_async (PortierRouter       *router,
                             const char          *unique_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  router_not_supported (router, cancellable, callback, user_data);
}

static void
router_update_pinhole_async (PortierRouter       *router,
                             const char          *unique_id,
                             guint                lease,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  router_not_supported (router, cancellable, callback, user_data);
}

static void
fake_router_iface_init (PortierRouterInterface *iface)
{
  iface->get_info = router_get_info;
  iface->refresh_async = router_refresh_async;
  iface->refresh_finish = router_boolean_finish;
  iface->add_mapping_async = router_add_mapping_async;
  iface->add_mapping_finish = router_add_mapping_finish;
  iface->remove_mapping_async = router_remove_mapping_async;
  iface->remove_mapping_finish = router_boolean_finish;
  iface->find_mapping_async = router_find_mapping_async;
  iface->find_mapping_finish = router_pointer_finish;
  iface->list_mappings_async = router_list_mappings_async;
  iface->list_mappings_finish = router_list_mappings_finish;
  iface->add_pinhole_async = router_add_pinhole_async;
  iface->add_pinhole_finish = router_add_pinhole_finish;
  iface->remove_pinhole_async = router_remove_pinhole_async;
  iface->remove_pinhole_finish = router_boolean_finish;
  iface->update_pinhole_async = router_update_pinhole_async;
  iface->update_pinhole_finish = router_boolean_finish;
}

/* ---- the firewall ---- */

struct _FakeFirewallWay
{
  GObject     parent_instance;

  GPtrArray  *rules;       /* of char*: the rule ids it holds */
  char       *state;
  gboolean    refuse;
  guint       next;
};

static void fake_firewall_way_iface_init (PortierFirewallWayInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeFirewallWay, fake_firewall_way, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PORTIER_TYPE_FIREWALL_WAY,
                                                      fake_firewall_way_iface_init))

static void
fake_firewall_way_finalize (GObject *object)
{
  FakeFirewallWay *self = FAKE_FIREWALL_WAY (object);

  g_ptr_array_unref (self->rules);
  g_free (self->state);
  G_OBJECT_CLASS (fake_firewall_way_parent_class)->finalize (object);
}

static void
fake_firewall_way_class_init (FakeFirewallWayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fake_firewall_way_finalize;
}

static void
fake_firewall_way_init (FakeFirewallWay *self)
{
  self->rules = g_ptr_array_new_with_free_func (g_free);
  self->state = g_strdup ("blocked");
}

FakeFirewallWay *
fake_firewall_way_new (void)
{
  return g_object_new (FAKE_TYPE_FIREWALL_WAY, NULL);
}

void
fake_firewall_way_set_state (FakeFirewallWay *self,
                             const char      *state)
{
  g_free (self->state);
  self->state = g_strdup (state);
}

void
fake_firewall_way_refuse (FakeFirewallWay *self)
{
  self->refuse = TRUE;
}

guint
fake_firewall_way_count (FakeFirewallWay *self)
{
  return self->rules->len;
}

static void
way_open_async (PortierFirewallWay    *way,
                const PortierPortSpec *spec,
                const char            *label,
                guint                  timeout,
                PortierFirewallFlags   flags,
                GCancellable          *cancellable,
                GAsyncReadyCallback    callback,
                gpointer               user_data)
{
  FakeFirewallWay *self = FAKE_FIREWALL_WAY (way);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  PortierFirewallResult *opened;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->refuse)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_AUTHORIZED,
                               "not authorized");
      return;
    }

  opened = g_new0 (PortierFirewallResult, 1);
  opened->status = g_strdup ("opened");
  opened->backend = g_strdup ("nftables");
  opened->zone = g_strdup ("");
  opened->rule_ids = g_new0 (char *, 2);
  opened->rule_ids[0] = g_strdup_printf ("rule-%u", ++self->next);
  g_ptr_array_add (self->rules, g_strdup (opened->rule_ids[0]));
  g_task_return_pointer (task, opened, (GDestroyNotify) portier_firewall_result_free);
}

static void
way_close_async (PortierFirewallWay   *way,
                 const char           *rule_id,
                 PortierFirewallFlags  flags,
                 GCancellable         *cancellable,
                 GAsyncReadyCallback   callback,
                 gpointer              user_data)
{
  FakeFirewallWay *self = FAKE_FIREWALL_WAY (way);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  guint index;

  if (!g_ptr_array_find_with_equal_func (self->rules, rule_id, g_str_equal, &index))
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND, "no rule %s",
                               rule_id);
      return;
    }
  g_ptr_array_remove_index (self->rules, index);
  g_task_return_boolean (task, TRUE);
}

static void
way_list_rules_async (PortierFirewallWay  *way,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (way, cancellable, callback, user_data);

  g_task_return_pointer (task, portier_firewall_rules_new (),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
way_query_async (PortierFirewallWay    *way,
                 const PortierPortSpec *spec,
                 GCancellable          *cancellable,
                 GAsyncReadyCallback    callback,
                 gpointer               user_data)
{
  FakeFirewallWay *self = FAKE_FIREWALL_WAY (way);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  PortierFirewallQuery *query = portier_firewall_query_new_unknown ("nftables");

  g_free (query->status);
  query->status = g_strdup (self->rules->len > 0 ? "open" : self->state);
  g_task_return_pointer (task, query, (GDestroyNotify) portier_firewall_query_free);
}

static void
fake_firewall_way_iface_init (PortierFirewallWayInterface *iface)
{
  iface->open_async = way_open_async;
  iface->close_async = way_close_async;
  iface->list_rules_async = way_list_rules_async;
  iface->query_async = way_query_async;
}

/* ---- the test from the internet ---- */

struct _FakeProbe
{
  GObject             parent_instance;

  PortierProbeResult  result;
  gulong              hanging;     /* the cancellable's handler of a test that hangs */
  gboolean            hang;
  gboolean            fail;
};

static void fake_probe_iface_init (PortierProbeInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeProbe, fake_probe, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PORTIER_TYPE_PROBE,
                                                      fake_probe_iface_init))

static void
fake_probe_class_init (FakeProbeClass *klass)
{
}

static void
fake_probe_init (FakeProbe *self)
{
}

FakeProbe *
fake_probe_new (PortierProbeResult result)
{
  FakeProbe *self = g_object_new (FAKE_TYPE_PROBE, NULL);

  self->result = result;
  return self;
}

void
fake_probe_hang (FakeProbe *self)
{
  self->hang = TRUE;
}

void
fake_probe_fail (FakeProbe *self)
{
  self->fail = TRUE;
}

static gboolean
hang_return_cb (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  FakeProbe *self = g_task_get_source_object (task);

  /* The handler's reference goes with it: no cycle through the cancellable. */
  g_cancellable_disconnect (g_task_get_cancellable (task), self->hanging);
  self->hanging = 0;
  g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

static void
hang_cancelled_cb (GCancellable *cancellable,
                   GTask        *task)
{
  /* Answered from an idle: never from inside g_cancellable_cancel(). */
  g_idle_add (hang_return_cb, g_object_ref (task));
}

static void
probe_check_async (PortierProbe          *probe,
                   const PortierPortSpec *spec,
                   GCancellable          *cancellable,
                   GAsyncReadyCallback    callback,
                   gpointer               user_data)
{
  FakeProbe *self = FAKE_PROBE (probe);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  PortierProbeReport *report;
  PortierProbeOutcome *outcome;

  if (self->hang)
    {
      g_assert_nonnull (cancellable);
      self->hanging = g_cancellable_connect (cancellable, G_CALLBACK (hang_cancelled_cb),
                                             g_steal_pointer (&task), g_object_unref);
      return;
    }
  if (self->fail)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_PROBE_UNAVAILABLE,
                               "no test server");
      return;
    }

  report = portier_probe_report_new (spec, "http://probe.invalid/", FALSE);
  outcome = portier_probe_outcome_new (spec->first, PORTIER_PROTOCOL_TCP,
                                       G_SOCKET_FAMILY_IPV4);
  outcome->result = self->result;
  if (self->result != PORTIER_PROBE_RESULT_UNAVAILABLE)
    outcome->address = g_strdup (PUBLIC_ADDRESS);
  g_ptr_array_add (report->outcomes, outcome);
  g_task_return_pointer (task, report, (GDestroyNotify) portier_probe_report_unref);
}

static PortierProbeReport *
probe_check_finish (PortierProbe  *probe,
                    GAsyncResult  *result,
                    GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fake_probe_iface_init (PortierProbeInterface *iface)
{
  iface->check_async = probe_check_async;
  iface->check_finish = probe_check_finish;
}
