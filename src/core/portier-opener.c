/* portier-opener.c: the open transaction — firewall, router, verify — and its undoing
 *
 * An opening is written to the ledger (state "opening", with this process as its owner)
 * before anything is changed, and every rule and mapping is added to that entry as soon
 * as it exists. When a step fails or the transaction is cancelled, what the earlier
 * steps made is removed again, newest first, and the entry goes; when this process dies
 * half-way, the entry stays behind with a dead owner and the next reconcile removes
 * what it lists. Either way nothing is left half-open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-opener"

#include "config.h"

#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "portier-enums.h"
#include "portier-error.h"
#include "portier-opener-private.h"
#include "portier-router.h"
#include "portier-router-forward.h"
#include "portier-router-keeper.h"


/* ---- options and results ---- */

G_DEFINE_BOXED_TYPE (PortierOpenOptions, portier_open_options,
                     portier_open_options_copy, portier_open_options_free)
PortierOpenOptions *
portier_open_options_new (const PortierPortSpec *spec)
{
  PortierOpenOptions *self = g_new0 (PortierOpenOptions, 1);

  self->spec = *spec;
  self->duration = PORTIER_DURATION_UNTIL;
  self->hours = 1;
  self->firewall = self->router = self->verify = TRUE;
  return self;
}

PortierOpenOptions *
portier_open_options_copy (const PortierOpenOptions *self)
{
  PortierOpenOptions *copy = g_memdup2 (self, sizeof *self);

  copy->app_id = g_strdup (self->app_id);
  copy->label = g_strdup (self->label);
  copy->probe_server = g_strdup (self->probe_server);
  return copy;
}

void
portier_open_options_free (PortierOpenOptions *self)
{
  if (self == NULL)
    return;
  g_free (self->app_id);
  g_free (self->label);
  g_free (self->probe_server);
  g_free (self);
}

/* ---- the opener ---- */

struct _PortierOpener
{
  GObject         parent_instance;

  PortierLedger  *ledger;
  PortierRouter       *router;
  PortierFirewall     *firewall;     /* nullable: found at each step */
  PortierProbe        *probe;        /* nullable: a client of the options' probe server */
  PortierRouterKeeper *keeper;       /* while holding */
  GCancellable        *cancellable;  /* for holding; cancelled in dispose */
  gboolean             holding;
  GPtrArray           *checks;       /* GTask: check_forwards waiting for the keeper */
};

G_DEFINE_FINAL_TYPE (PortierOpener, portier_opener, G_TYPE_OBJECT)

enum {
  SIGNAL_STEP_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_KEEPER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
portier_opener_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PortierOpener *self = PORTIER_OPENER (object);

  switch (prop_id)
    {
    case PROP_KEEPER:
      g_value_set_object (value, self->keeper);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_opener_dispose (GObject *object)
{
  PortierOpener *self = PORTIER_OPENER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->keeper != NULL)
    portier_router_keeper_release_all (self->keeper);
  g_clear_object (&self->keeper);
  g_clear_object (&self->router);
  g_clear_object (&self->firewall);
  g_clear_object (&self->probe);
  g_clear_object (&self->ledger);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (portier_opener_parent_class)->dispose (object);
}

static void
portier_opener_class_init (PortierOpenerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = portier_opener_dispose;
  G_OBJECT_CLASS (klass)->get_property = portier_opener_get_property;

  properties[PROP_KEEPER] = g_param_spec_object ("keeper", NULL, NULL, G_TYPE_OBJECT,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, properties);

  /**
   * PortierOpener::step-changed:
   * @step: a #PortierStep
   * @status: a #PortierStepStatus
   * @message: a translated sentence: what the step does or did
   */
  signals[SIGNAL_STEP_CHANGED] = g_signal_new ("step-changed", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 3, PORTIER_TYPE_STEP,
                                               PORTIER_TYPE_STEP_STATUS, G_TYPE_STRING);
}

static void
portier_opener_init (PortierOpener *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * portier_opener_new:
 * @ledger: (nullable): where openings are recorded; %NULL for the user's own
 */
PortierOpener *
portier_opener_new (PortierLedger *ledger)
{
  PortierOpener *self = g_object_new (PORTIER_TYPE_OPENER, NULL);

  self->ledger = ledger != NULL ? g_object_ref (ledger) : portier_ledger_new_default ();
  return self;
}

/**
 * portier_opener_new_with_peers:
 * @ledger: (nullable): where openings are recorded; %NULL for the user's own
 * @router: (nullable): the router; %NULL to discover it when it is first needed
 * @firewall: (nullable): the firewall; %NULL to find this computer's at each step
 * @probe: (nullable): the test from the internet; %NULL for a #PortierProbeClient of the
 *   options' probe server
 *
 * An opener that works with the peers it is given (the unit tests hand in fakes).
 */
PortierOpener *
portier_opener_new_with_peers (PortierLedger   *ledger,
                               PortierRouter   *router,
                               PortierFirewall *firewall,
                               PortierProbe    *probe)
{
  PortierOpener *self = portier_opener_new (ledger);

  g_set_object (&self->router, router);
  g_set_object (&self->firewall, firewall);
  g_set_object (&self->probe, probe);
  return self;
}

static void
emit_step (PortierOpener     *self,
           PortierStep        step,
           PortierStepStatus  status,
           const char        *message)
{
  g_signal_emit (self, signals[SIGNAL_STEP_CHANGED], 0, step, status, message);
}

/* ---- the router, found once per opener ---- */

static void
router_found_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierOpener *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  PortierRouter *router = portier_router_discover_finish (result, &error);

  if (router == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_set_object (&self->router, router);
  g_object_unref (router);
  g_task_return_pointer (task, g_object_ref (router), g_object_unref);
}

static void
get_router_async (PortierOpener       *self,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  if (self->router != NULL)
    {
      g_task_return_pointer (task, g_object_ref (self->router), g_object_unref);
      return;
    }
  portier_router_discover_async (PORTIER_ROUTER_DISCOVER_NONE, cancellable, router_found_cb,
                                 g_steal_pointer (&task));
}

static PortierRouter *
get_router_finish (PortierOpener  *self,
                   GAsyncResult   *result,
                   GError        **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- open ---- */

typedef struct
{
  PortierOpenOptions *options;
  PortierOpening     *opening;
  PortierOpenResult  *result;
  PortierRouter      *router;
  GPtrArray          *created_rules;   /* of char*, ours to undo */
  GPtrArray          *created_maps;    /* of PortierMapping, ours to undo */
  GPtrArray          *created_holes;   /* of PortierPinhole, ours to undo */
  GError             *failure;
  GError             *ipv4_error;      /* IPv6 only: why the router forwards no IPv4 */
} OpenData;

static void
open_data_free (OpenData *data)
{
  portier_open_options_free (data->options);
  portier_opening_free (data->opening);
  portier_open_result_free (data->result);
  g_clear_object (&data->router);
  g_ptr_array_unref (data->created_rules);
  g_ptr_array_unref (data->created_maps);
  g_ptr_array_unref (data->created_holes);
  g_clear_error (&data->failure);
  g_clear_error (&data->ipv4_error);
  g_free (data);
}

static guint
lease_for (const PortierOpenOptions *options)
{
  guint seconds;

  switch (options->duration)
    {
    case PORTIER_DURATION_UNTIL_CLOSED:
      return 0;
    case PORTIER_DURATION_UNTIL:
      seconds = _portier_open_options_until_seconds (options);
      return CLAMP (seconds, 1, PORTIER_ROUTER_MAX_LEASE);
    case PORTIER_DURATION_WHILE_RUNNING:
    default:
      /* Renewed at half while Portier runs; a caller may ask for less, never more. */
      if (options->seconds > 0)
        return MIN (options->seconds, PORTIER_ROUTER_WHILE_RUNNING_LEASE);
      return PORTIER_ROUTER_WHILE_RUNNING_LEASE;
    }
}

static gboolean
save (PortierOpener  *self,
      OpenData       *data,
      GError        **error)
{
  return portier_ledger_put (self->ledger, data->opening, error);
}

/* Reads the ledger before a change. A damaged one was set aside and reads as empty: no
 * reason to stop. */
static gboolean
load_ledger (PortierOpener  *self,
             GError        **error)
{
  g_autoptr(GError) local_error = NULL;

  if (portier_ledger_load (self->ledger, &local_error) ||
      g_error_matches (local_error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static void undo_next (GTask *task);
static void hold_opening (PortierOpener *self, const PortierOpening *opening);
static void recorded_forwards (const PortierOpening *opening, GPtrArray **mappings,
                               GPtrArray **pinholes);
static void router_step (GTask *task);
static void verify_step (GTask *task);

/* A step failed: keep its error, undo what was made, then return the result. */
static void
fail (GTask  *task,
      GError *error)
{
  OpenData *data = g_task_get_task_data (task);

  g_debug ("opening %s failed: %s", data->opening->id, error->message);
  data->failure = error;
  data->opening->state = PORTIER_OPENING_STATE_CLOSING;
  save (g_task_get_source_object (task), data, NULL);
  undo_next (task);
}

/* A step's own failure: a copy of @error goes into the result (the caller sets the
 * step's status), the step says so, and the transaction fails. */
static void
step_failed (GTask        *task,
             PortierStep   step,
             GError      **step_error,
             GError       *error)
{
  *step_error = g_error_copy (error);
  emit_step (g_task_get_source_object (task), step, PORTIER_STEP_STATUS_FAILED,
             portier_error_user_message (error));
  fail (task, error);
}

/* Takes @task. */
static void
finish_undo (GTask *task)
{
  PortierOpener *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (data->created_rules->len == 0 && data->created_maps->len == 0 &&
      data->created_holes->len == 0)
    {
      if (!portier_ledger_remove (self->ledger, data->opening->id, &error))
        g_warning ("cannot update the ledger: %s", error->message);
    }
  else
    {
      /* Something could not be undone: it stays in the ledger, so that a later close
       * or reconcile finishes the job. */
      g_warning ("opening %s could not be fully undone; it is kept for the next cleanup",
                 data->opening->id);
    }

  data->result->error = g_steal_pointer (&data->failure);
  g_task_return_pointer (task, g_steal_pointer (&data->result),
                         (GDestroyNotify) portier_open_result_free);
  g_object_unref (task);
}

static void
undo_rule_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierOpener *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *rule_id = g_ptr_array_index (data->created_rules, data->created_rules->len - 1);

  if (!_portier_firewall_step_close_finish (result, &error))
    {
      g_warning ("could not remove firewall rule %s: %s", rule_id, error->message);
      finish_undo (g_steal_pointer (&task));
      return;
    }

  /* Drop it from the ledger entry, then the next one. */
  for (guint i = 0; i < data->opening->rules->len; i++)
    if (g_strcmp0 (((PortierLedgerRule *) data->opening->rules->pdata[i])->rule_id,
                   rule_id) == 0)
      g_ptr_array_remove_index (data->opening->rules, i--);
  g_ptr_array_remove_index (data->created_rules, data->created_rules->len - 1);
  save (self, data, NULL);
  emit_step (self, PORTIER_STEP_FIREWALL, PORTIER_STEP_STATUS_UNDONE,
             _("The firewall rule was removed again."));
  undo_next (g_steal_pointer (&task));
}

static void
remove_recorded (PortierOpening *opening,
                 GPtrArray      *mappings,
                 GPtrArray      *pinholes)
{
  for (guint k = 0; mappings != NULL && k < mappings->len; k++)
    {
      const PortierMapping *mapping = g_ptr_array_index (mappings, k);

      for (guint i = 0; i < opening->mappings->len; i++)
        {
          PortierLedgerMapping *m = opening->mappings->pdata[i];
          if (m->external_port == mapping->external_port &&
              g_strcmp0 (m->protocol, portier_protocol_to_string (mapping->protocol)) == 0)
            g_ptr_array_remove_index (opening->mappings, i--);
        }
    }
  for (guint k = 0; pinholes != NULL && k < pinholes->len; k++)
    {
      const PortierPinhole *pinhole = g_ptr_array_index (pinholes, k);

      for (guint i = 0; i < opening->pinholes->len; i++)
        if (g_strcmp0 (((PortierLedgerPinhole *) opening->pinholes->pdata[i])->unique_id,
                       pinhole->unique_id) == 0)
          g_ptr_array_remove_index (opening->pinholes, i--);
    }
}

static void
undo_forward_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierOpener *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) maps_left = NULL;
  g_autoptr(GPtrArray) holes_left = NULL;

  if (!portier_router_unforward_finish (PORTIER_ROUTER (source), result, &maps_left,
                                        &holes_left, &error))
    {
      g_warning ("could not remove the router’s forwards: %s", error->message);
      /* What is left stays in the entry for the next cleanup. */
      finish_undo (g_steal_pointer (&task));
      return;
    }

  remove_recorded (data->opening, data->created_maps, data->created_holes);
  g_ptr_array_set_size (data->created_maps, 0);
  g_ptr_array_set_size (data->created_holes, 0);
  save (self, data, NULL);
  emit_step (self, PORTIER_STEP_ROUTER, PORTIER_STEP_STATUS_UNDONE,
             _("The router’s forward was removed again."));
  undo_next (g_steal_pointer (&task));
}

/* Newest first: the router's forwards, then the firewall rules. Undoing runs even when
 * the transaction was cancelled, so it does not use the task's cancellable. */
static void
undo_next (GTask *task)
{
  PortierOpener *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);

  if (data->created_maps->len > 0 || data->created_holes->len > 0)
    {
      portier_router_unforward_async (data->router, data->created_maps, data->created_holes,
                                      NULL, undo_forward_cb, task);
      return;
    }
  if (data->created_rules->len > 0)
    {
      _portier_firewall_step_close_async (g_ptr_array_index (data->created_rules,
                                                             data->created_rules->len - 1),
                                          self->firewall, data->options->interactive, NULL,
                                          undo_rule_cb, task);
      return;
    }
  finish_undo (task);
}

static void
open_done (GTask *task)
{
  PortierOpener *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* What this opening made, for the record. */
  data->result->firewall_rules = g_new0 (char *, data->opening->rules->len + 1);
  for (guint i = 0; i < data->opening->rules->len; i++)
    data->result->firewall_rules[i] =
      g_strdup (((PortierLedgerRule *) data->opening->rules->pdata[i])->rule_id);

  data->opening->state = PORTIER_OPENING_STATE_OPEN;
  if (data->opening->rules->len == 0 && data->opening->mappings->len == 0 &&
      data->opening->pinholes->len == 0)
    {
      /* Everything was open already, or nothing needed doing: there is nothing Portier
       * made, so nothing to record and nothing to close later. */
      if (!portier_ledger_remove (self->ledger, data->opening->id, &error))
        g_warning ("cannot update the ledger: %s", error->message);
      g_clear_error (&error);
      g_free (data->result->id);
      data->result->id = g_strdup ("");
    }
  else if (!save (self, data, &error))
    {
      fail (task, g_steal_pointer (&error));
      return;
    }

  if (self->holding && self->keeper != NULL)
    hold_opening (self, data->opening);

  g_task_return_pointer (task, g_steal_pointer (&data->result),
                         (GDestroyNotify) portier_open_result_free);
  g_object_unref (task);
}

/* -- verify -- */

static void
verify_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierOpener *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *public_address = NULL;
  g_autoptr(GError) not_run = NULL;
  PortierVerifyStatus status = _portier_verify_step_finish (result, &public_address, &not_run,
                                                            &error);
  GError *cancelled = NULL;

  /* Cancelled at the last step: the person changed their mind, so undo it all. */
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &cancelled))
    {
      fail (g_steal_pointer (&task), cancelled);
      return;
    }

  if (status == PORTIER_VERIFY_STATUS_NONE)
    {
      data->result->verify_status = PORTIER_VERIFY_STATUS_UNAVAILABLE;
      data->result->verify_error = g_steal_pointer (&error);
      emit_step (self, PORTIER_STEP_VERIFY, PORTIER_STEP_STATUS_FAILED,
                 portier_error_user_message (data->result->verify_error));
      if (data->result->ipv6_only)
        {
          /* Untested, IPv6 alone is not shown to work: nothing stays open. */
          data->result->ipv6_only = FALSE;
          fail (g_steal_pointer (&task), g_error_copy (data->ipv4_error));
          return;
        }
    }
  else if (data->result->ipv6_only && !_portier_verify_step_reached (result,
                                                                     G_SOCKET_FAMILY_IPV6))
    {
      /* IPv6 alone stays open only when the test shows that it works. */
      data->result->verify_status = status;
      emit_step (self, PORTIER_STEP_VERIFY, PORTIER_STEP_STATUS_FAILED,
                 _("The test from the internet could not get through over IPv6 either."));
      data->result->ipv6_only = FALSE;
      fail (g_steal_pointer (&task), g_error_copy (data->ipv4_error));
      return;
    }
  else if (not_run != NULL)
    {
      /* The test did not run: why, never “could not get through”. */
      data->result->verify_status = status;
      data->result->verify_error = g_steal_pointer (&not_run);
      emit_step (self, PORTIER_STEP_VERIFY, PORTIER_STEP_STATUS_FAILED,
                 portier_error_user_message (data->result->verify_error));
    }
  else
    {
      gboolean good = status == PORTIER_VERIFY_STATUS_REACHABLE ||
                      status == PORTIER_VERIFY_STATUS_OPEN;

      data->result->verify_status = status;
      /* A failed test undoes nothing: the way is open, and the troubleshooter can tell
       * what else is in the way (an app that is not running yet, for one). */
      emit_step (self, PORTIER_STEP_VERIFY,
                 good ? PORTIER_STEP_STATUS_DONE : PORTIER_STEP_STATUS_FAILED,
                 good ? _("Your app can be reached from the internet.")
                      : _("The test from the internet could not get through."));
    }

  if (data->result->external_address == NULL && public_address != NULL)
    data->result->external_address = g_steal_pointer (&public_address);

  open_done (g_steal_pointer (&task));
}

static void
verify_step (GTask *task)
{
  PortierOpener *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);

  if (!data->options->verify)
    {
      data->result->verify_status = PORTIER_VERIFY_STATUS_SKIPPED;
      emit_step (self, PORTIER_STEP_VERIFY, PORTIER_STEP_STATUS_SKIPPED, NULL);
      open_done (task);
      return;
    }

  emit_step (self, PORTIER_STEP_VERIFY, PORTIER_STEP_STATUS_RUNNING,
             _("Testing from the internet…"));
  _portier_verify_step_async (&data->options->spec, data->result->external_port,
                              self->probe, data->options->probe_server, g_task_get_cancellable (task),
                              verify_cb, task);
}

/* -- router -- */

/* Whether IPv6 alone is a way in after the router forwarded no IPv4 (for @error). */
static gboolean
ipv6_way_out (OpenData     *data,
              const GError *error)
{
  const PortierRouterInfo *info = portier_router_get_info (data->router);
  static const PortierError no_ipv4[] = {
    PORTIER_ERROR_ROUTER_CARRIER_NAT, PORTIER_ERROR_ROUTER_DOUBLE_NAT,
    PORTIER_ERROR_ROUTER_NO_PUBLIC_ADDRESS, PORTIER_ERROR_ROUTER_REFUSED,
    PORTIER_ERROR_ROUTER_SECURE_MODE, PORTIER_ERROR_NOT_SUPPORTED,
  };

  if (error == NULL || info->ipv6_address == NULL || !info->pinholes)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (no_ipv4); i++)
    if (g_error_matches (error, PORTIER_ERROR, no_ipv4[i]))
      return TRUE;
  return FALSE;
}

static void forwarded_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
forward_ipv6_only (GTask *task)
{
  PortierOpener *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  PortierForwardRequest request = { 0 };

  emit_step (self, PORTIER_STEP_ROUTER, PORTIER_STEP_STATUS_RUNNING,
             _("Your router forwards no IPv4 here; asking it to let IPv6 in instead…"));
  request.spec = data->options->spec;
  request.label = data->options->label != NULL ? data->options->label : data->options->app_id;
  request.lease = lease_for (data->options);
  request.ipv6 = TRUE;
  request.ipv6_only = TRUE;
  portier_router_forward_async (data->router, &request, g_task_get_cancellable (task),
                                forwarded_cb, task);
}

static void
forwarded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierOpener *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  PortierRouterRefusal refusal = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierForwardResult) forward = NULL;
  const PortierRouterInfo *info = portier_router_get_info (data->router);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean all_reused = TRUE;
  guint kept = 0;

  forward = portier_router_forward_finish (data->router, result, &refusal, &error);
  portier_open_result_set_router (data->result, info->method, info->wan_class);
  if (forward == NULL && data->ipv4_error == NULL && ipv6_way_out (data, error))
    {
      /* No IPv4 forward, but this computer has its own IPv6 address and the router opens
       * IPv6 ports: that way in, alone, tested before it counts. */
      data->ipv4_error = g_steal_pointer (&error);
      data->result->router_error_code = refusal.router_code;
      portier_router_refusal_clear (&refusal);
      forward_ipv6_only (g_steal_pointer (&task));
      return;
    }
  if (forward == NULL && data->ipv4_error != NULL)
    {
      /* IPv6 did not work either: the IPv4 reason is the one to tell. */
      g_debug ("IPv6 alone: %s", error->message);
      g_clear_error (&error);
      error = g_error_copy (data->ipv4_error);
    }
  if (forward == NULL)
    {
      data->result->router_error_code = refusal.router_code;
      data->result->alternative_port = refusal.alternative_port;
      data->result->held_by = g_strdup (refusal.held_by);
      data->result->held_by_program = g_strdup (refusal.held_by_program);
      portier_router_refusal_clear (&refusal);
      /* The forward took back what it had made itself; the firewall is undone next. */
      data->result->router_status = PORTIER_ROUTER_STATUS_FAILED;
      step_failed (g_steal_pointer (&task), PORTIER_STEP_ROUTER, &data->result->router_error,
                   g_steal_pointer (&error));
      return;
    }

  data->result->mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_mapping_free);
  for (guint i = 0; i < forward->mappings->len; i++)
    {
      const PortierMapping *mapping = g_ptr_array_index (forward->mappings, i);
      PortierLedgerMapping *record;

      record = portier_opening_add_mapping (data->opening,
                                            portier_router_method_to_string (mapping->method),
                                            portier_protocol_to_string (mapping->protocol),
                                            mapping->external_port, mapping->internal_port,
                                            mapping->internal_client, mapping->lease, now);
      if (mapping->reused &&
          portier_mapping_get_owner (mapping, portier_router_get_lan_address (data->router)) ==
            PORTIER_MAPPING_OWNER_THIS_COMPUTER)
        {
          /* Another program's forward to this computer: found, kept as it is, and
           * nothing of Portier's to remove later. */
          record->kept_by = g_strdup (mapping->description != NULL ? mapping->description
                                                                   : "");
          if (kept++ == 0)
            data->result->forwarded_by = g_strdup (record->kept_by);
        }
      else
        data->result->permanent |= mapping->permanent || mapping->lease == 0;
      if (!mapping->reused)
        {
          g_ptr_array_add (data->created_maps, portier_mapping_copy (mapping));
          all_reused = FALSE;
        }
      data->result->moved |= mapping->moved;
      g_ptr_array_add (data->result->mappings, portier_mapping_copy (mapping));
    }
  data->result->pinholes = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_pinhole_free);
  for (guint i = 0; forward->pinholes != NULL && i < forward->pinholes->len; i++)
    {
      const PortierPinhole *pinhole = g_ptr_array_index (forward->pinholes, i);

      portier_opening_add_pinhole (data->opening, pinhole->unique_id,
                                   portier_protocol_to_string (pinhole->protocol),
                                   pinhole->internal_port, pinhole->internal_client,
                                   pinhole->lease);
      g_ptr_array_add (data->created_holes, portier_pinhole_copy (pinhole));
      g_ptr_array_add (data->result->pinholes, portier_pinhole_copy (pinhole));
    }
  data->result->ipv6_status = forward->ipv6;
  data->result->ipv6_address = g_strdup (info->ipv6_address);
  if (data->ipv4_error != NULL)
    {
      if (forward->ipv6 != PORTIER_IPV6_OPENED || forward->pinholes->len == 0)
        {
          /* What was opened of IPv6 is undone with the rest. */
          data->result->router_status = PORTIER_ROUTER_STATUS_FAILED;
          step_failed (g_steal_pointer (&task), PORTIER_STEP_ROUTER,
                       &data->result->router_error, g_error_copy (data->ipv4_error));
          return;
        }
      data->result->ipv6_only = TRUE;
      data->result->router_status = PORTIER_ROUTER_STATUS_IPV6_ONLY;
      data->result->router_error = g_error_copy (data->ipv4_error);
      if (!save (self, data, &error))
        {
          fail (g_steal_pointer (&task), g_steal_pointer (&error));
          return;
        }
      emit_step (self, PORTIER_STEP_ROUTER, PORTIER_STEP_STATUS_DONE,
                 _("Your router lets people reach this computer over IPv6 only: it forwards "
                   "no IPv4 to it."));
      verify_step (g_steal_pointer (&task));
      return;
    }

  if (forward->mappings->len > 0)
    {
      const PortierMapping *first = g_ptr_array_index (forward->mappings, 0);

      data->result->external_port = first->external_port;
      data->result->lease = first->lease;
    }
  if (forward->mappings->len > 0 && kept == forward->mappings->len)
    data->result->router_status = PORTIER_ROUTER_STATUS_ALREADY_FORWARDED;
  else if (all_reused && forward->mappings->len > 0)
    data->result->router_status = PORTIER_ROUTER_STATUS_ALREADY_MAPPED;
  else
    data->result->router_status = PORTIER_ROUTER_STATUS_MAPPED;
  if (info->external_address != NULL && info->external_address[0] != '\0')
    data->result->external_address = g_strdup (info->external_address);
  g_free (data->opening->external_address);
  data->opening->external_address = g_strdup (data->result->external_address);

  if (!save (self, data, &error))
    {
      fail (g_steal_pointer (&task), g_steal_pointer (&error));
      return;
    }

  {
    g_autofree char *text = NULL;

    if (data->result->forwarded_by != NULL && data->result->forwarded_by[0] != '\0')
      /* TRANSLATORS: %u is a port number, %s the name another program gave its forward */
      text = g_strdup_printf (_("Your router already sends port %u to this computer (set "
                                "up by “%s”)."), data->result->external_port,
                              data->result->forwarded_by);
    else if (data->result->forwarded_by != NULL)
      text = g_strdup_printf (_("Your router already sends port %u to this computer (set "
                                "up by another program)."), data->result->external_port);
    else
      text = g_strdup_printf (_("Your router sends port %u to this computer."),
                              data->result->external_port);
    emit_step (self, PORTIER_STEP_ROUTER, PORTIER_STEP_STATUS_DONE, text);
  }
  verify_step (g_steal_pointer (&task));
}

static void
router_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierOpener *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  PortierForwardRequest request = { 0 };
  GCancellable *cancellable;

  data->router = get_router_finish (self, result, &error);
  if (data->router == NULL)
    {
      data->result->router_status = PORTIER_ROUTER_STATUS_FAILED;
      step_failed (g_steal_pointer (&task), PORTIER_STEP_ROUTER, &data->result->router_error,
                   g_steal_pointer (&error));
      return;
    }

  /* Both protocols are separate forwards, a range goes port by port, and a refusal
   * half-way takes back what was made: the router module does all that. */
  request.spec = data->options->spec;
  request.external_first = data->options->external_port;
  request.label = data->options->label != NULL ? data->options->label : data->options->app_id;
  request.lease = lease_for (data->options);
  request.flags = data->options->any_external_port ? PORTIER_MAPPING_ANY_EXTERNAL_PORT
                                                   : PORTIER_MAPPING_FLAGS_NONE;
  request.ipv6 = TRUE;
  cancellable = g_task_get_cancellable (task);
  portier_router_forward_async (data->router, &request, cancellable, forwarded_cb,
                                g_steal_pointer (&task));
}

static void
router_step (GTask *task)
{
  PortierOpener *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);

  if (!data->options->router)
    {
      data->result->router_status = PORTIER_ROUTER_STATUS_SKIPPED;
      data->result->external_port = data->options->external_port != 0
        ? data->options->external_port : data->options->spec.first;
      emit_step (self, PORTIER_STEP_ROUTER, PORTIER_STEP_STATUS_SKIPPED, NULL);
      verify_step (task);
      return;
    }

  emit_step (self, PORTIER_STEP_ROUTER, PORTIER_STEP_STATUS_RUNNING,
             _("Asking your router to send the port to this computer…"));
  get_router_async (self, g_task_get_cancellable (task), router_cb, task);
}

/* -- firewall -- */

static void
firewall_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierOpener *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallStepResult) step = _portier_firewall_step_open_finish (result,
                                                                                 &error);

  if (step == NULL)
    {
      data->result->firewall_status = PORTIER_FIREWALL_STATUS_FAILED;
      step_failed (g_steal_pointer (&task), PORTIER_STEP_FIREWALL,
                   &data->result->firewall_error, g_steal_pointer (&error));
      return;
    }

  data->result->firewall_status = step->status;
  data->result->firewall_backend = g_strdup (step->backend);
  data->result->firewall_zone = g_strdup (step->zone);
  data->result->firewall_command = g_strdup (step->command);
  for (guint i = 0; step->rule_ids != NULL && i < step->rule_ids->len; i++)
    {
      const char *rule_id = g_ptr_array_index (step->rule_ids, i);

      portier_opening_add_rule (data->opening, rule_id, step->backend, step->zone);
      g_ptr_array_add (data->created_rules, g_strdup (rule_id));
    }
  if (!save (self, data, &error))
    {
      fail (g_steal_pointer (&task), g_steal_pointer (&error));
      return;
    }

  if (step->status == PORTIER_FIREWALL_STATUS_SKIPPED)
    emit_step (self, PORTIER_STEP_FIREWALL, PORTIER_STEP_STATUS_SKIPPED,
               _("Portier cannot change this computer’s firewall by itself."));
  else
    emit_step (self, PORTIER_STEP_FIREWALL, PORTIER_STEP_STATUS_DONE,
               step->status == PORTIER_FIREWALL_STATUS_NOT_NEEDED
                 ? _("This computer’s firewall does not block the port.")
                 : _("This computer’s firewall lets the port in."));
  router_step (g_steal_pointer (&task));
}

static void
firewall_step (GTask *task)
{
  PortierOpener *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);

  if (!data->options->firewall)
    {
      data->result->firewall_status = PORTIER_FIREWALL_STATUS_SKIPPED;
      emit_step (self, PORTIER_STEP_FIREWALL, PORTIER_STEP_STATUS_SKIPPED, NULL);
      router_step (task);
      return;
    }

  emit_step (self, PORTIER_STEP_FIREWALL, PORTIER_STEP_STATUS_RUNNING,
             _("Allowing the port through this computer’s firewall…"));
  _portier_firewall_step_open_async (data->options, self->firewall,
                                     g_task_get_cancellable (task), firewall_cb, task);
}

/**
 * portier_opener_open_async:
 *
 * Plans, then runs firewall → router → verify, emitting #PortierOpener::step-changed.
 */
void
portier_opener_open_async (PortierOpener            *self,
                           const PortierOpenOptions *options,
                           GCancellable             *cancellable,
                           GAsyncReadyCallback       callback,
                           gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) existing = NULL;
  OpenData *data;

  g_return_if_fail (PORTIER_IS_OPENER (self));
  g_return_if_fail (options != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_opener_open_async);
  /* A stopped transaction still returns its result (result->error says it was
   * cancelled): GTask would otherwise replace it with G_IO_ERROR_CANCELLED. */
  g_task_set_check_cancellable (task, FALSE);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!portier_port_spec_validate (options->spec.first, options->spec.last,
                                   options->spec.protocol, &error) ||
      (options->external_port != 0 &&
       (guint) options->external_port + (options->spec.last - options->spec.first) >
         G_MAXUINT16))
    {
      if (error == NULL)
        g_set_error_literal (&error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC,
                             _("The outside port is too high for this range of ports."));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (OpenData, 1);
  data->options = portier_open_options_copy (options);
  data->created_rules = g_ptr_array_new_with_free_func (g_free);
  data->created_maps = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_mapping_free);
  data->created_holes = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_pinhole_free);
  data->result = portier_open_result_new (&options->spec);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);

  /* Opening what is already open adds to the same entry: no duplicates. */
  if (!load_ledger (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  existing = portier_ledger_find (self->ledger, &options->spec);
  for (guint i = 0; i < existing->len && data->opening == NULL; i++)
    {
      PortierOpening *opening = g_ptr_array_index (existing, i);
      if (portier_port_spec_equal (&opening->spec, &options->spec) &&
          opening->state == PORTIER_OPENING_STATE_OPEN)
        data->opening = portier_opening_copy (opening);
    }

  if (data->opening == NULL)
    data->opening = portier_opening_new (&options->spec, options->duration);
  else
    {
      /* Its rules and forwards are found again by the steps ("already open"); the
       * entry is rebuilt from what they report. */
      g_ptr_array_set_size (data->opening->rules, 0);
      g_ptr_array_set_size (data->opening->mappings, 0);
      data->opening->duration = options->duration;
    }

  data->opening->state = PORTIER_OPENING_STATE_OPENING;
  g_free (data->opening->app_id);
  data->opening->app_id = g_strdup (options->app_id);
  g_free (data->opening->label);
  data->opening->label = g_strdup (options->label);
  data->opening->owner_pid = getpid ();
  data->opening->owner_start = portier_process_start_time ("/proc", getpid ());
  if (options->duration == PORTIER_DURATION_UNTIL)
    data->opening->expires = g_get_real_time () / G_USEC_PER_SEC + lease_for (options);
  data->result->id = g_strdup (data->opening->id);

  if (!save (self, data, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  firewall_step (g_steal_pointer (&task));
}

PortierOpenResult *
portier_opener_open_finish (PortierOpener  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- close ---- */

typedef struct
{
  PortierOpening *opening;
  gboolean        interactive;
  PortierRouter  *router;
  GError         *router_error;
} CloseData;

static void
close_data_free (CloseData *data)
{
  portier_opening_free (data->opening);
  g_clear_object (&data->router);
  g_clear_error (&data->router_error);
  g_free (data);
}

static void close_next (GTask *task);

static void
close_rule_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierOpener *self = g_task_get_source_object (task);
  CloseData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!_portier_firewall_step_close_finish (result, &error) &&
      !g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND))
    {
      /* Kept in the ledger (closing): nothing is forgotten that is still open. */
      portier_ledger_put (self->ledger, data->opening, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_ptr_array_remove_index (data->opening->rules, data->opening->rules->len - 1);
  portier_ledger_put (self->ledger, data->opening, NULL);
  close_next (g_steal_pointer (&task));
}

/* The opening's forwards and pinholes, as the router module takes them. */
static void
recorded_forwards (const PortierOpening  *opening,
                   GPtrArray            **mappings,
                   GPtrArray            **pinholes)
{
  *mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_mapping_free);
  *pinholes = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_pinhole_free);

  for (guint i = 0; i < opening->mappings->len; i++)
    {
      const PortierLedgerMapping *m = g_ptr_array_index (opening->mappings, i);
      PortierMapping *mapping;

      /* Another program's forward: never renewed, changed or removed. */
      if (m->kept_by != NULL)
        continue;
      mapping = g_new0 (PortierMapping, 1);

      portier_router_method_from_string (m->method, &mapping->method);
      portier_protocol_from_string (m->protocol, &mapping->protocol);
      mapping->external_port = m->external_port;
      mapping->internal_port = m->internal_port;
      mapping->internal_client = g_strdup (m->internal_client);
      mapping->lease = m->lease;
      g_ptr_array_add (*mappings, mapping);
    }
  for (guint i = 0; i < opening->pinholes->len; i++)
    {
      const PortierLedgerPinhole *p = g_ptr_array_index (opening->pinholes, i);
      PortierPinhole *pinhole = g_new0 (PortierPinhole, 1);

      pinhole->unique_id = g_strdup (p->unique_id);
      pinhole->internal_client = g_strdup (p->internal_client);
      pinhole->internal_port = p->port;
      portier_protocol_from_string (p->protocol, &pinhole->protocol);
      pinhole->lease = p->lease;
      g_ptr_array_add (*pinholes, pinhole);
    }
}

/* Being closed: no longer kept alive (nor added back). */
static void
forget_forwards (PortierOpener *self,
                 GPtrArray     *mappings,
                 GPtrArray     *pinholes)
{
  if (self->keeper == NULL)
    return;
  for (guint i = 0; i < mappings->len; i++)
    portier_router_keeper_forget (self->keeper, g_ptr_array_index (mappings, i));
  for (guint i = 0; i < pinholes->len; i++)
    portier_router_keeper_forget_pinhole (
      self->keeper, ((PortierPinhole *) g_ptr_array_index (pinholes, i))->unique_id);
}

static void
close_forwards_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierOpener *self = g_task_get_source_object (task);
  CloseData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) maps_left = NULL;
  g_autoptr(GPtrArray) holes_left = NULL;

  if (!portier_router_unforward_finish (PORTIER_ROUTER (source), result, &maps_left,
                                        &holes_left, &error))
    {
      /* Go on with the firewall, which is ours to close; say what was left. */
      g_debug ("could not remove every router forward: %s", error->message);
      g_clear_error (&data->router_error);
      data->router_error = g_steal_pointer (&error);
    }
  g_ptr_array_set_size (data->opening->mappings, 0);
  g_ptr_array_set_size (data->opening->pinholes, 0);
  portier_ledger_put (self->ledger, data->opening, NULL);
  close_next (g_steal_pointer (&task));
}

static void
close_router_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierOpener *self = g_task_get_source_object (task);
  CloseData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->router = get_router_finish (self, result, &error);
  if (data->router == NULL)
    {
      /* No router now (another network, or it is off): its forwards run out with their
       * lease; say so, and close what is on this computer. */
      g_debug ("no router to remove forwards from: %s", error->message);
      data->router_error = g_steal_pointer (&error);
      g_ptr_array_set_size (data->opening->mappings, 0);
      g_ptr_array_set_size (data->opening->pinholes, 0);
    }
  close_next (g_steal_pointer (&task));
}

static void
close_next (GTask *task)
{
  PortierOpener *self = g_task_get_source_object (task);
  CloseData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The router first, so nothing reaches the computer from outside any more; then the
   * firewall. Forwards another program keeps are left to it. */
  if (!portier_opening_has_forwards (data->opening))
    g_ptr_array_set_size (data->opening->mappings, 0);
  if (data->opening->mappings->len > 0 || data->opening->pinholes->len > 0)
    {
      g_autoptr(GPtrArray) mappings = NULL;
      g_autoptr(GPtrArray) pinholes = NULL;

      if (data->router == NULL)
        {
          get_router_async (self, NULL, close_router_cb, task);
          return;
        }
      recorded_forwards (data->opening, &mappings, &pinholes);
      forget_forwards (self, mappings, pinholes);
      portier_router_unforward_async (data->router, mappings, pinholes, NULL,
                                      close_forwards_cb, task);
      return;
    }

  if (data->opening->rules->len > 0)
    {
      const PortierLedgerRule *rule =
        g_ptr_array_index (data->opening->rules, data->opening->rules->len - 1);

      _portier_firewall_step_close_async (rule->rule_id, self->firewall, data->interactive,
                                          NULL, close_rule_cb, task);
      return;
    }

  if (!portier_ledger_remove (self->ledger, data->opening->id, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (data->router_error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->router_error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/**
 * portier_opener_close_async:
 * @id: the opening's id in the ledger
 *
 * Removes the router's forwards and the firewall rules of the opening, and the entry.
 * A forward that cannot be removed (no router now) is reported as an error after the
 * rest is closed; it runs out with its lease.
 */
void
portier_opener_close_async (PortierOpener       *self,
                            const char          *id,
                            gboolean             interactive,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  PortierOpening *opening;
  CloseData *data;

  g_return_if_fail (PORTIER_IS_OPENER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_opener_close_async);

  if (!load_ledger (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  opening = portier_ledger_lookup (self->ledger, id);
  if (opening == NULL)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND,
                               _("Portier has no opening “%s”."), id);
      return;
    }

  data = g_new0 (CloseData, 1);
  data->opening = portier_opening_copy (opening);
  data->interactive = interactive;
  data->opening->state = PORTIER_OPENING_STATE_CLOSING;
  g_task_set_task_data (task, data, (GDestroyNotify) close_data_free);

  if (!portier_ledger_put (self->ledger, data->opening, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  close_next (g_steal_pointer (&task));
}

gboolean
portier_opener_close_finish (PortierOpener  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- reconcile ---- */

typedef struct
{
  GPtrArray *ids;
  guint      next;
  guint      failed;
} ReconcileData;

static void
reconcile_data_free (ReconcileData *data)
{
  g_ptr_array_unref (data->ids);
  g_free (data);
}

static void reconcile_next (GTask *task);

static void
reconcile_closed_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReconcileData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!portier_opener_close_finish (PORTIER_OPENER (source), result, &error))
    {
      g_warning ("cleaning up %s: %s", (char *) data->ids->pdata[data->next - 1],
                 error->message);
      data->failed++;
    }
  reconcile_next (g_steal_pointer (&task));
}

static void
reconcile_next (GTask *task)
{
  PortierOpener *self = g_task_get_source_object (task);
  ReconcileData *data = g_task_get_task_data (task);

  if (data->next < data->ids->len)
    {
      portier_opener_close_async (self, g_ptr_array_index (data->ids, data->next++), FALSE,
                                  NULL, reconcile_closed_cb, task);
      return;
    }

  if (data->failed > 0)
    g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_FAILED,
                             "%u stale openings could not be cleaned up", data->failed);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/**
 * portier_opener_reconcile_async:
 *
 * Closes what must not stay open: openings whose time is up, "while running" openings
 * whose program is gone, and transactions that a crash left half-way.
 */
void
portier_opener_reconcile_async (PortierOpener       *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stale = NULL;
  ReconcileData *data;

  g_return_if_fail (PORTIER_IS_OPENER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_opener_reconcile_async);

  if (!portier_ledger_load (self->ledger, &error))
    g_debug ("reconcile: %s", error->message);

  stale = portier_ledger_get_stale (self->ledger, g_get_real_time () / G_USEC_PER_SEC);
  data = g_new0 (ReconcileData, 1);
  data->ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < stale->len; i++)
    g_ptr_array_add (data->ids, g_strdup (((PortierOpening *) stale->pdata[i])->id));
  g_task_set_task_data (task, data, (GDestroyNotify) reconcile_data_free);

  reconcile_next (g_steal_pointer (&task));
}

gboolean
portier_opener_reconcile_finish (PortierOpener  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- keeping forwards alive ---- */

static void
hold_opening (PortierOpener        *self,
              const PortierOpening *opening)
{
  g_autoptr(GPtrArray) mappings = NULL;
  g_autoptr(GPtrArray) pinholes = NULL;

  /* What reconcile is about to close is not kept alive. */
  if (portier_opening_is_stale (opening, g_get_real_time () / G_USEC_PER_SEC, "/proc"))
    return;

  recorded_forwards (opening, &mappings, &pinholes);
  /* A forward without a lease ("until I close it") is looked up, and added back when
   * the router forgot it. */
  for (guint i = 0; i < mappings->len; i++)
    {
      const PortierMapping *mapping = g_ptr_array_index (mappings, i);
      portier_router_keeper_hold (self->keeper, mapping, mapping->lease);
    }
  for (guint i = 0; i < pinholes->len; i++)
    {
      const PortierPinhole *pinhole = g_ptr_array_index (pinholes, i);
      if (pinhole->lease > 0)
        portier_router_keeper_hold_pinhole (self->keeper, pinhole, pinhole->lease);
    }
}

static void
keeper_checked_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (portier_router_keeper_check_finish (PORTIER_ROUTER_KEEPER (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Holding found the router (or not, @error): the checks waiting for it go ahead. */
static void
finish_checks (PortierOpener *self,
               const GError  *error)
{
  g_autoptr(GPtrArray) checks = g_steal_pointer (&self->checks);

  for (guint i = 0; checks != NULL && i < checks->len; i++)
    {
      GTask *task = g_ptr_array_index (checks, i);

      if (self->keeper != NULL)
        portier_router_keeper_check_async (self->keeper, g_task_get_cancellable (task),
                                           keeper_checked_cb, g_object_ref (task));
      else if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_FAILED,
                                 "not keeping forwards alive");
    }
}

static void
hold_router_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PortierOpener) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierRouter) router = get_router_finish (self, result, &error);
  GPtrArray *openings;

  if (router == NULL || !self->holding)
    {
      if (error != NULL)
        g_debug ("nothing to keep alive: %s", error->message);
      finish_checks (self, error);
      return;
    }

  if (self->keeper == NULL)
    self->keeper = portier_router_keeper_new (router);
  g_object_notify (G_OBJECT (self), "keeper");

  portier_ledger_load (self->ledger, NULL);
  openings = portier_ledger_get_openings (self->ledger);
  for (guint i = 0; i < openings->len; i++)
    {
      const PortierOpening *opening = g_ptr_array_index (openings, i);
      if (opening->state == PORTIER_OPENING_STATE_OPEN)
        hold_opening (self, opening);
    }
  finish_checks (self, NULL);
}

/**
 * portier_opener_hold:
 *
 * From now on, keeps the router's forwards of every open opening alive: renewed at
 * half-life, and put back when the router lost them. The app calls this while it runs
 * (in the background too); `portierctl open --hold` does too. Without it, a forward lasts
 * as long as its lease.
 */
void
portier_opener_hold (PortierOpener *self)
{
  g_return_if_fail (PORTIER_IS_OPENER (self));

  self->holding = TRUE;
  get_router_async (self, self->cancellable, hold_router_cb, g_object_ref (self));
}

/**
 * portier_opener_check_forwards_async:
 *
 * While holding: looks up every forward of the open openings on the router now, adds
 * back what the router forgot (a restart, or a long time switched off) and renews what
 * is due. Another program's forwards are never touched. Finishes when each was looked
 * at once; with an error when there is no router to look at.
 */
void
portier_opener_check_forwards_async (PortierOpener       *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PORTIER_IS_OPENER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_opener_check_forwards_async);

  if (!self->holding)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_FAILED,
                               "not keeping forwards alive");
      return;
    }
  if (self->keeper != NULL)
    {
      portier_router_keeper_check_async (self->keeper, cancellable, keeper_checked_cb,
                                         g_steal_pointer (&task));
      return;
    }
  /* Holding is still looking for the router. */
  if (self->checks == NULL)
    self->checks = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->checks, g_steal_pointer (&task));
}

gboolean
portier_opener_check_forwards_finish (PortierOpener  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * portier_opener_release:
 *
 * Stops keeping forwards alive; they then last as long as their lease.
 */
void
portier_opener_release (PortierOpener *self)
{
  g_return_if_fail (PORTIER_IS_OPENER (self));

  self->holding = FALSE;
  if (self->keeper != NULL)
    portier_router_keeper_release_all (self->keeper);
  g_clear_object (&self->keeper);
}

/**
 * portier_opener_get_keeper:
 *
 * Returns: (transfer none) (nullable): the #PortierRouterKeeper, once holding found the
 *   router (#GObject::notify of "keeper" says when)
 */
GObject *
portier_opener_get_keeper (PortierOpener *self)
{
  g_return_val_if_fail (PORTIER_IS_OPENER (self), NULL);
  return self->keeper != NULL ? G_OBJECT (self->keeper) : NULL;
}

/**
 * portier_opener_get_ledger:
 *
 * Returns: (transfer none): where the opener records its openings
 */
PortierLedger *
portier_opener_get_ledger (PortierOpener *self)
{
  g_return_val_if_fail (PORTIER_IS_OPENER (self), NULL);
  return self->ledger;
}
