/* portier-router-forward.c: forward a whole port spec, or nothing
 *
 * `both` becomes a TCP and a UDP mapping, a range one mapping per port (bounded). When
 * one of them fails, the ones made before are removed again, so nothing is left
 * half-open. IPv6 pinholes are made where the router offers them, at the same time as
 * the IPv4 forwards (the router's IPv6 side has a thread of its own); IPv6 needs no
 * forward otherwise. When the IPv4 forwards fail, the pinholes made beside them are
 * removed too; when a pinhole fails, the IPv4 forwards stand and IPv6 is reported as
 * failed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "portier-error.h"
#include "portier-router-forward.h"

void
portier_forward_result_free (PortierForwardResult *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->mappings, g_ptr_array_unref);
  g_clear_pointer (&self->pinholes, g_ptr_array_unref);
  g_free (self);
}

typedef struct
{
  guint16         port;
  PortierProtocol protocol;
} Step;

typedef struct
{
  PortierForwardRequest  request;
  GArray                *steps;
  guint                  next;       /* the next mapping */
  guint                  next_hole;  /* the next pinhole */
  guint                  running;    /* the chains still running: mappings, pinholes */
  PortierForwardResult  *result;
  PortierRouterRefusal   refusal;
  GError                *error;      /* the failure being rolled back */
} ForwardData;

static void
forward_data_free (ForwardData *data)
{
  g_free (data->request.label);
  g_clear_pointer (&data->steps, g_array_unref);
  g_clear_pointer (&data->result, portier_forward_result_free);
  portier_router_refusal_clear (&data->refusal);
  g_clear_error (&data->error);
  g_free (data);
}

static void map_next (GTask *task);
static void rollback_next (GTask *task);
static void pinhole_next (GTask *task);
static void chain_done (GTask *task);

static void
rollback_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!portier_router_remove_mapping_finish (PORTIER_ROUTER (source), result, &error))
    g_warning ("Could not take back a forward after a failure: %s", error->message);
  rollback_next (g_steal_pointer (&task));
}

/* Removes what this operation made, newest first, then reports the failure. Mappings
 * that were already there (reused) stay. */
static void
rollback_next (GTask *task)
{
  ForwardData *data = g_task_get_task_data (task);
  GPtrArray *mappings = data->result->mappings;

  while (mappings->len > 0)
    {
      g_autoptr(PortierMapping) mapping = g_ptr_array_steal_index (mappings,
                                                                   mappings->len - 1);
      if (mapping->reused)
        continue;
      portier_router_remove_mapping_async (g_task_get_source_object (task), mapping,
                                           NULL, rollback_cb, task);
      return;
    }

  chain_done (task);
}

static void
map_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ForwardData *data = g_task_get_task_data (task);
  GError *error = NULL;
  PortierMapping *mapping;

  portier_router_refusal_clear (&data->refusal);
  mapping = portier_router_add_mapping_finish (PORTIER_ROUTER (source), result,
                                               &data->refusal, &error);
  if (mapping == NULL)
    {
      data->error = error;
      rollback_next (g_steal_pointer (&task));
      return;
    }
  g_ptr_array_add (data->result->mappings, mapping);
  data->next++;
  map_next (g_steal_pointer (&task));
}

static void
map_next (GTask *task)
{
  ForwardData *data = g_task_get_task_data (task);
  PortierRouter *router = g_task_get_source_object (task);
  PortierMappingRequest request = { 0 };
  g_autofree char *description = NULL;
  PortierPortSpec one;
  const Step *step;

  if (g_task_get_cancellable (task) != NULL &&
      g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      data->error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      rollback_next (task);
      return;
    }

  if (data->next >= data->steps->len)
    {
      chain_done (task);
      return;
    }

  step = &g_array_index (data->steps, Step, data->next);
  one.first = one.last = step->port;
  one.protocol = step->protocol;
  description = portier_router_make_description (data->request.label, &one);

  request.internal_port = step->port;
  request.protocol = step->protocol;
  if (data->request.external_first != 0)
    request.external_port = (guint16) (data->request.external_first +
                                       (step->port - data->request.spec.first));
  request.description = description;
  request.lease = data->request.lease;
  request.flags = data->request.flags;
  portier_router_add_mapping_async (router, &request, NULL, map_cb, task);
}

static void
pinhole_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ForwardData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  PortierPinhole *pinhole;

  pinhole = portier_router_add_pinhole_finish (PORTIER_ROUTER (source), result, &error);
  if (pinhole == NULL)
    {
      /* The IPv4 forward stands; IPv6 is reported as failed. */
      g_debug ("IPv6 pinhole: %s", error->message);
      data->result->ipv6 = g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED)
                           ? PORTIER_IPV6_NOT_NEEDED : PORTIER_IPV6_FAILED;
      chain_done (g_steal_pointer (&task));
      return;
    }
  g_ptr_array_add (data->result->pinholes, pinhole);
  data->next_hole++;
  pinhole_next (g_steal_pointer (&task));
}

static void
pinhole_next (GTask *task)
{
  ForwardData *data = g_task_get_task_data (task);
  PortierRouter *router = g_task_get_source_object (task);
  const Step *step;

  /* Once the IPv4 forwards failed, no more pinholes: those made are taken back. */
  if (data->error != NULL || data->next_hole >= data->steps->len)
    {
      chain_done (task);
      return;
    }

  step = &g_array_index (data->steps, Step, data->next_hole);
  portier_router_add_pinhole_async (router, step->port, step->protocol,
                                    data->request.lease != 0 ? data->request.lease
                                                             : PORTIER_ROUTER_DEFAULT_LEASE,
                                    NULL, pinhole_cb, task);
}

static void
hole_rollback_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!portier_router_remove_pinhole_finish (PORTIER_ROUTER (source), result, &error))
    g_warning ("Could not take back an IPv6 pinhole after a failure: %s", error->message);
  chain_done (g_steal_pointer (&task));
}

/* One chain (the mappings, or the pinholes) has ended. When both have: the result, or
 * the IPv4 failure once the pinholes made beside the forwards are removed again (one
 * at a time, each as one more chain). */
static void
chain_done (GTask *task)
{
  ForwardData *data = g_task_get_task_data (task);
  GPtrArray *holes = data->result->pinholes;

  if (--data->running > 0)
    {
      g_object_unref (task);
      return;
    }

  if (data->error != NULL && holes->len > 0)
    {
      g_autoptr(PortierPinhole) hole = g_ptr_array_steal_index (holes, holes->len - 1);

      data->running++;
      portier_router_remove_pinhole_async (g_task_get_source_object (task), hole->unique_id,
                                           NULL, hole_rollback_cb, task);
      return;
    }

  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&data->result),
                           (GDestroyNotify) portier_forward_result_free);
  g_object_unref (task);
}

/* Whether this forward makes IPv6 pinholes too, and if not, why not. */
static PortierIpv6Status
ipv6_plan (const PortierForwardRequest *request,
           const PortierRouterInfo     *info)
{
  if (!request->ipv6)
    return PORTIER_IPV6_SKIPPED;
  if (info->ipv6_address == NULL)
    return PORTIER_IPV6_NO_ADDRESS;
  if (!info->pinholes)
    return PORTIER_IPV6_NOT_NEEDED;
  return PORTIER_IPV6_OPENED;
}

/**
 * portier_router_forward_async:
 *
 * Forwards every port of @request's spec (TCP and UDP separately for `both`), in order,
 * and opens the IPv6 pinholes at the same time. When a forward fails, the forwards and
 * pinholes made before are removed and the failure is reported.
 */
void
portier_router_forward_async (PortierRouter               *router,
                              const PortierForwardRequest *request,
                              GCancellable                *cancellable,
                              GAsyncReadyCallback          callback,
                              gpointer                     user_data)
{
  g_autoptr(GTask) task = g_task_new (router, cancellable, callback, user_data);
  ForwardData *data = g_new0 (ForwardData, 1);
  const PortierProtocol protocols[] = { PORTIER_PROTOCOL_TCP, PORTIER_PROTOCOL_UDP };
  guint n_ports = (guint) request->spec.last - request->spec.first + 1;

  g_task_set_source_tag (task, portier_router_forward_async);
  data->request = *request;
  data->request.label = g_strdup (request->label);
  data->steps = g_array_new (FALSE, FALSE, sizeof (Step));
  data->result = g_new0 (PortierForwardResult, 1);
  data->result->mappings = g_ptr_array_new_with_free_func (
    (GDestroyNotify) portier_mapping_free);
  data->result->pinholes = g_ptr_array_new_with_free_func (
    (GDestroyNotify) portier_pinhole_free);
  g_task_set_task_data (task, data, (GDestroyNotify) forward_data_free);

  if (request->spec.first == 0 || request->spec.last < request->spec.first ||
      (request->external_first != 0 &&
       (guint) request->external_first + n_ports - 1 > 65535))
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                               _("These ports cannot be forwarded: the outside ports would "
                                 "go past 65535."));
      return;
    }

  for (guint p = 0; p < G_N_ELEMENTS (protocols); p++)
    {
      if (!(request->spec.protocol & protocols[p]))
        continue;
      for (guint port = request->spec.first; port <= request->spec.last; port++)
        {
          Step step = { (guint16) port, protocols[p] };

          if (data->steps->len >= PORTIER_ROUTER_MAX_MAPPINGS)
            {
              g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                                       /* TRANSLATORS: %u is a number of ports */
                                       _("Portier forwards at most %u ports at a time on a "
                                         "router. Choose a smaller range."),
                                       PORTIER_ROUTER_MAX_MAPPINGS);
              return;
            }
          g_array_append_val (data->steps, step);
        }
    }

  data->running = 1;
  if (request->ipv6_only)
    {
      /* No IPv4 forward: the pinholes are the only way in. */
      data->request.ipv6 = TRUE;
      data->result->ipv6 = ipv6_plan (&data->request, portier_router_get_info (router));
      if (data->result->ipv6 == PORTIER_IPV6_OPENED)
        pinhole_next (g_steal_pointer (&task));
      else
        chain_done (g_steal_pointer (&task));
      return;
    }

  data->result->ipv6 = ipv6_plan (request, portier_router_get_info (router));
  if (data->result->ipv6 == PORTIER_IPV6_OPENED)
    {
      data->running++;
      pinhole_next (g_object_ref (task));
    }
  map_next (g_steal_pointer (&task));
}

/**
 * portier_router_forward_finish:
 * @refusal: (out caller-allocates) (optional): the router's refusal, when it refused
 *
 * Returns: (transfer full): what was forwarded, or %NULL with @error set (then nothing
 *   made by this operation is left on the router)
 */
PortierForwardResult *
portier_router_forward_finish (PortierRouter         *router,
                               GAsyncResult          *result,
                               PortierRouterRefusal  *refusal,
                               GError               **error)
{
  ForwardData *data;

  g_return_val_if_fail (g_task_is_valid (result, router), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        portier_router_forward_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  portier_router_refusal_copy (&data->refusal, refusal);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------------- taking back */

typedef struct
{
  GPtrArray *mappings;
  GPtrArray *pinholes;
  guint      next;
  GPtrArray *mappings_left;
  GPtrArray *pinholes_left;
} UnforwardData;

static void
unforward_data_free (UnforwardData *data)
{
  g_clear_pointer (&data->mappings, g_ptr_array_unref);
  g_clear_pointer (&data->pinholes, g_ptr_array_unref);
  g_clear_pointer (&data->mappings_left, g_ptr_array_unref);
  g_clear_pointer (&data->pinholes_left, g_ptr_array_unref);
  g_free (data);
}

static void unforward_next (GTask *task);

static void
unforward_mapping_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UnforwardData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const PortierMapping *mapping = g_ptr_array_index (data->mappings, data->next);

  /* NOT_FOUND: another device holds the port now; it is not ours to remove. */
  if (!portier_router_remove_mapping_finish (PORTIER_ROUTER (source), result, &error) &&
      !g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND))
    {
      g_debug ("Could not remove %u/%s: %s", mapping->external_port,
               portier_protocol_to_string (mapping->protocol), error->message);
      g_ptr_array_add (data->mappings_left, portier_mapping_copy (mapping));
    }
  data->next++;
  unforward_next (g_steal_pointer (&task));
}

static void
unforward_pinhole_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UnforwardData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint index = data->next - data->mappings->len;
  const PortierPinhole *pinhole = g_ptr_array_index (data->pinholes, index);

  if (!portier_router_remove_pinhole_finish (PORTIER_ROUTER (source), result, &error))
    {
      g_debug ("Could not remove pinhole %s: %s", pinhole->unique_id, error->message);
      g_ptr_array_add (data->pinholes_left, portier_pinhole_copy (pinhole));
    }
  data->next++;
  unforward_next (g_steal_pointer (&task));
}

static void
unforward_next (GTask *task)
{
  UnforwardData *data = g_task_get_task_data (task);
  PortierRouter *router = g_task_get_source_object (task);

  if (data->next < data->mappings->len)
    {
      portier_router_remove_mapping_async (router,
                                           g_ptr_array_index (data->mappings, data->next),
                                           NULL, unforward_mapping_cb, task);
      return;
    }
  if (data->next < data->mappings->len + data->pinholes->len)
    {
      const PortierPinhole *pinhole = g_ptr_array_index (data->pinholes,
                                                         data->next - data->mappings->len);
      portier_router_remove_pinhole_async (router, pinhole->unique_id, NULL,
                                           unforward_pinhole_cb, task);
      return;
    }

  if (data->mappings_left->len > 0 || data->pinholes_left->len > 0)
    g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_ROUTER_REFUSED,
                             "%u forwards and %u pinholes could not be removed",
                             data->mappings_left->len, data->pinholes_left->len);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/**
 * portier_router_unforward_async:
 * @mappings: (element-type PortierMapping): mappings to remove
 * @pinholes: (element-type PortierPinhole) (nullable): pinholes to remove
 *
 * Removes each, as far as the router lets it; a port another device holds now is left
 * alone and counts as gone.
 */
void
portier_router_unforward_async (PortierRouter       *router,
                                GPtrArray           *mappings,
                                GPtrArray           *pinholes,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (router, cancellable, callback, user_data);
  UnforwardData *data = g_new0 (UnforwardData, 1);

  g_task_set_source_tag (task, portier_router_unforward_async);
  data->mappings = g_ptr_array_ref (mappings);
  data->pinholes = pinholes != NULL ? g_ptr_array_ref (pinholes) : g_ptr_array_new ();
  data->mappings_left = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_mapping_free);
  data->pinholes_left = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_pinhole_free);
  g_task_set_task_data (task, data, (GDestroyNotify) unforward_data_free);
  unforward_next (g_steal_pointer (&task));
}

/**
 * portier_router_unforward_finish:
 * @mappings_left: (out) (optional) (transfer full): the mappings that are still there
 * @pinholes_left: (out) (optional) (transfer full): the pinholes that are still there
 *
 * Returns: %TRUE when everything is gone
 */
gboolean
portier_router_unforward_finish (PortierRouter  *router,
                                 GAsyncResult   *result,
                                 GPtrArray     **mappings_left,
                                 GPtrArray     **pinholes_left,
                                 GError        **error)
{
  UnforwardData *data;

  g_return_val_if_fail (g_task_is_valid (result, router), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (mappings_left != NULL)
    *mappings_left = g_ptr_array_ref (data->mappings_left);
  if (pinholes_left != NULL)
    *pinholes_left = g_ptr_array_ref (data->pinholes_left);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * portier_router_filter_ours:
 * @mappings: (element-type PortierMapping): the router's mappings
 * @spec: (nullable): only mappings to these ports of this computer; %NULL for all
 *
 * Returns: (transfer full) (element-type PortierMapping): the mappings Portier made for
 *   this computer (tagged, pointing at @lan_address), limited to @spec
 */
GPtrArray *
portier_router_filter_ours (GPtrArray             *mappings,
                            const char            *lan_address,
                            const PortierPortSpec *spec)
{
  GPtrArray *ours = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_mapping_free);

  for (guint i = 0; i < mappings->len; i++)
    {
      const PortierMapping *mapping = g_ptr_array_index (mappings, i);

      if (!portier_mapping_is_ours (mapping, lan_address))
        continue;
      if (spec != NULL &&
          !portier_port_spec_contains (spec, mapping->internal_port, mapping->protocol))
        continue;
      g_ptr_array_add (ours, portier_mapping_copy (mapping));
    }
  return ours;
}
