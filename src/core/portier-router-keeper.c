/* portier-router-keeper.c: keeps router forwards alive while they are wanted
 *
 * A held forward is renewed at half its lease. Over UPnP it is also looked up on the
 * router every so often (at most every 30 s, and at each renewal): when the router lost
 * it (a restart forgets every mapping), it is added again. A port another device took
 * meanwhile is never taken back; the forward is then reported lost. IPv6 pinholes are
 * renewed the same way, and opened again (with a new id) when the router forgot them.
 * A forward without a lease ("until I close it") is only looked up, and added again
 * when the router forgot it.
 *
 * Times are wall-clock times (the monotonic clock stops while the computer sleeps, the
 * router's clock does not). One timer waits for the next time due: a timerfd on
 * CLOCK_REALTIME, which goes on during suspend, so a renewal due during sleep is made
 * as the computer wakes; when the clock is set, it fires too, and is armed again. When
 * logind says the computer woke up (PrepareForSleep(false) on the system bus), every
 * forward is looked up at once, since the router may have been restarted or the lease
 * run out meanwhile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router"

#include "config.h"

#include <errno.h>
#include <unistd.h>
#include <glib-unix.h>

#include "portier-error.h"
#include "portier-router-keeper.h"
#include "portier-wake.h"

typedef struct
{
  guint           serial;
  PortierPinhole *pinhole;    /* either a pinhole… */
  PortierMapping *mapping;    /* …or a mapping */
  guint           lease;      /* asked for; 0: permanent */
  gint64          renew_at;   /* wall clock, seconds; G_MAXINT64 without a lease */
  gint64          check_at;
} Held;

struct _PortierRouterKeeper
{
  GObject        parent_instance;

  PortierRouter *router;
  GPtrArray     *held;        /* Held */
  GCancellable  *cancellable;
  int            timer_fd;    /* CLOCK_REALTIME, armed at the next time due; -1 without */
  guint          timer_id;    /* its source, or a timeout where there is no timerfd */
  guint          next_serial;
  gboolean       busy;
  GPtrArray     *checks;      /* GTask: portier_router_keeper_check_async() waiting */
  GDBusConnection *system_bus;
  guint          sleep_subscription;
};

G_DEFINE_FINAL_TYPE (PortierRouterKeeper, portier_router_keeper, G_TYPE_OBJECT)

enum
{
  SIGNAL_RENEWED,
  SIGNAL_RESTORED,
  SIGNAL_LOST,
  SIGNAL_PINHOLE_RESTORED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
held_free (Held *held)
{
  portier_mapping_free (held->mapping);
  portier_pinhole_free (held->pinhole);
  g_free (held);
}

/* Wall-clock seconds. The timer is armed at whole seconds, so a time due is seen when
 * it comes. */
static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* After a failure: again soon, sooner for a short lease (a quarter of it). */
static gint64
retry_seconds (const Held *held)
{
  return held->lease > 0 ? CLAMP (held->lease / 4, 1, 5)
                         : MIN (5, PORTIER_ROUTER_KEEPER_CHECK_INTERVAL);
}

static void
schedule (Held *held)
{
  gint64 now = now_s ();
  gint64 half = held->lease > 0 ? MAX (1, held->lease / 2) : G_MAXINT32;

  held->renew_at = held->lease > 0 ? now + half : G_MAXINT64;
  held->check_at = now + MIN (half, PORTIER_ROUTER_KEEPER_CHECK_INTERVAL);
}

/* Every forward was looked at (or tried) since the checks were asked for. */
static void
finish_checks (PortierRouterKeeper *self)
{
  g_autoptr(GPtrArray) checks = g_steal_pointer (&self->checks);

  self->checks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; checks != NULL && i < checks->len; i++)
    g_task_return_boolean (g_ptr_array_index (checks, i), TRUE);
}

static void
portier_router_keeper_dispose (GObject *object)
{
  PortierRouterKeeper *self = PORTIER_ROUTER_KEEPER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->timer_fd >= 0)
    close (self->timer_fd);
  self->timer_fd = -1;
  if (self->system_bus != NULL)
    portier_wake_unwatch (self->system_bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->system_bus);
  finish_checks (self);

  G_OBJECT_CLASS (portier_router_keeper_parent_class)->dispose (object);
}

static void
portier_router_keeper_finalize (GObject *object)
{
  PortierRouterKeeper *self = PORTIER_ROUTER_KEEPER (object);

  g_clear_object (&self->router);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->held, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);

  G_OBJECT_CLASS (portier_router_keeper_parent_class)->finalize (object);
}

static void
portier_router_keeper_class_init (PortierRouterKeeperClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = portier_router_keeper_dispose;
  object_class->finalize = portier_router_keeper_finalize;

  /**
   * PortierRouterKeeper::renewed:
   * @mapping: the forward, with its new lease
   */
  signals[SIGNAL_RENEWED] =
    g_signal_new ("renewed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, PORTIER_TYPE_MAPPING);

  /**
   * PortierRouterKeeper::restored:
   * @mapping: the forward the router had lost, added again
   */
  signals[SIGNAL_RESTORED] =
    g_signal_new ("restored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, PORTIER_TYPE_MAPPING);

  /**
   * PortierRouterKeeper::lost:
   * @mapping: the forward that could not be kept
   * @error: why (PORTIER_ERROR_ROUTER_CONFLICT when another device took the port)
   */
  signals[SIGNAL_LOST] =
    g_signal_new ("lost", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, PORTIER_TYPE_MAPPING, G_TYPE_ERROR);

  /**
   * PortierRouterKeeper::pinhole-restored:
   * @old: the pinhole the router had forgotten
   * @pinhole: the one opened instead (its id differs)
   */
  signals[SIGNAL_PINHOLE_RESTORED] =
    g_signal_new ("pinhole-restored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, PORTIER_TYPE_PINHOLE, PORTIER_TYPE_PINHOLE);
}

static void
portier_router_keeper_init (PortierRouterKeeper *self)
{
  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify) held_free);
  self->checks = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->timer_fd = portier_wall_timer_new ();
  if (self->timer_fd < 0)
    g_debug ("No timerfd (%s): renewals wait on the monotonic clock", g_strerror (errno));
}

static void work (PortierRouterKeeper *self);
static void arm (PortierRouterKeeper *self);

typedef struct
{
  PortierRouterKeeper *self;
  guint                serial;
  Held                *held;      /* valid while find_held (serial) finds it */
  gboolean             restoring;
} Step;

/* A step is done (or stopped): the timer waits for the next time due. */
static void
step_free (Step *step)
{
  if (!g_cancellable_is_cancelled (step->self->cancellable))
    arm (step->self);
  g_object_unref (step->self);
  g_free (step);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Step, step_free)

static gboolean
still_held (PortierRouterKeeper *self,
            Step                *step)
{
  for (guint i = 0; i < self->held->len; i++)
    if (((Held *) g_ptr_array_index (self->held, i))->serial == step->serial)
      {
        step->held = g_ptr_array_index (self->held, i);
        return TRUE;
      }
  return FALSE;
}

/* Whether the answer to @step still matters: not cancelled, and its forward still held.
 * A forward closed meanwhile (portier_router_keeper_forget()) frees the keeper for the
 * next one. */
static gboolean
step_matters (PortierRouterKeeper *self,
              Step                *step,
              const GError        *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  if (!still_held (self, step))
    {
      self->busy = FALSE;
      return FALSE;
    }
  return TRUE;
}

static void
add_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  PortierRouterKeeper *self = step->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierMapping) mapping = NULL;

  mapping = portier_router_add_mapping_finish (PORTIER_ROUTER (source), result, NULL, &error);
  if (!step_matters (self, step, error))
    {
      /* Closed while it was being renewed or added again: what this put back on the
       * router goes again. */
      if (mapping != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        portier_router_remove_mapping_async (PORTIER_ROUTER (source), mapping, NULL, NULL,
                                             NULL);
      return;
    }
  self->busy = FALSE;

  if (mapping == NULL)
    {
      if (g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_CONFLICT) ||
          g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_SECURE_MODE))
        {
          g_autoptr(PortierMapping) lost = portier_mapping_copy (step->held->mapping);

          g_debug ("Lost %u/%s: %s", lost->external_port,
                   portier_protocol_to_string (lost->protocol), error->message);
          g_ptr_array_remove (self->held, step->held);
          g_signal_emit (self, signals[SIGNAL_LOST], 0, lost, error);
          return;
        }
      /* The router did not answer: try again soon. */
      g_debug ("Could not renew %u/%s: %s", step->held->mapping->external_port,
               portier_protocol_to_string (step->held->mapping->protocol), error->message);
      step->held->check_at = now_s () + retry_seconds (step->held);
      /* Renewed then: not at once again, nor a lease too late. */
      step->held->renew_at = step->held->check_at;
      return;
    }

  if (portier_mapping_get_owner (mapping, portier_router_get_lan_address (self->router)) ==
      PORTIER_MAPPING_OWNER_THIS_COMPUTER)
    {
      /* Another program on this computer forwards the port now: it is its forward, kept
       * as it is, and no longer Portier's to renew. */
      g_debug ("%u/%s is kept by “%s” now: no longer renewed", mapping->external_port,
               portier_protocol_to_string (mapping->protocol),
               mapping->description != NULL ? mapping->description : "");
      g_ptr_array_remove (self->held, step->held);
      return;
    }

  mapping->reused = FALSE;
  portier_mapping_free (step->held->mapping);
  step->held->mapping = portier_mapping_copy (mapping);
  schedule (step->held);
  g_signal_emit (self, signals[step->restoring ? SIGNAL_RESTORED : SIGNAL_RENEWED], 0,
                 mapping);
}

static void
add_again (Step *step)
{
  PortierRouterKeeper *self = step->self;
  const PortierMapping *mapping = step->held->mapping;
  PortierMappingRequest request = { 0 };

  request.external_port = mapping->external_port;
  request.internal_port = mapping->internal_port;
  request.protocol = mapping->protocol;
  request.internal_client = mapping->internal_client;
  request.description = mapping->description;
  request.lease = step->held->lease;
  portier_router_add_mapping_async (self->router, &request, self->cancellable, add_cb, step);
}

static void
find_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  PortierRouterKeeper *self = step->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierMapping) entry = NULL;
  const PortierMapping *mine;

  entry = portier_router_find_mapping_finish (PORTIER_ROUTER (source), result, &error);
  if (!step_matters (self, step, error))
    return;

  mine = step->held->mapping;
  if (error != NULL)
    {
      g_debug ("Could not check %u/%s: %s", mine->external_port,
               portier_protocol_to_string (mine->protocol), error->message);
      self->busy = FALSE;
      /* Looked at again soon; a renewal that was due waits for that too, rather than
       * asking a router that does not answer again at once. */
      step->held->check_at = now_s () + retry_seconds (step->held);
      step->held->renew_at = MAX (step->held->renew_at, step->held->check_at);
      return;
    }

  if (entry == NULL || g_strcmp0 (entry->internal_client, mine->internal_client) != 0 ||
      entry->internal_port != mine->internal_port)
    {
      /* Gone (or, if another device holds it now, add_mapping refuses to take it). */
      g_debug ("The router lost %u/%s: adding it again", mine->external_port,
               portier_protocol_to_string (mine->protocol));
      step->restoring = TRUE;
      add_again (g_steal_pointer (&step));
      return;
    }

  if (now_s () >= step->held->renew_at)
    {
      add_again (g_steal_pointer (&step));
      return;
    }

  self->busy = FALSE;
  step->held->check_at = now_s () + MIN (step->held->renew_at - now_s (),
                                         PORTIER_ROUTER_KEEPER_CHECK_INTERVAL);
}

static void
add_pinhole_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  PortierRouterKeeper *self = step->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierPinhole) pinhole = NULL;
  g_autoptr(PortierPinhole) old = NULL;

  pinhole = portier_router_add_pinhole_finish (PORTIER_ROUTER (source), result, &error);
  if (!step_matters (self, step, error))
    {
      if (pinhole != NULL)
        portier_router_remove_pinhole_async (PORTIER_ROUTER (source), pinhole->unique_id,
                                             NULL, NULL, NULL);
      return;
    }
  self->busy = FALSE;

  if (pinhole == NULL)
    {
      g_debug ("Could not open pinhole %u again: %s", step->held->pinhole->internal_port,
               error->message);
      step->held->renew_at = now_s () + MIN (5, PORTIER_ROUTER_KEEPER_CHECK_INTERVAL);
      step->held->check_at = step->held->renew_at;
      return;
    }
  old = g_steal_pointer (&step->held->pinhole);
  step->held->pinhole = portier_pinhole_copy (pinhole);
  schedule (step->held);
  step->held->check_at = step->held->renew_at;
  g_signal_emit (self, signals[SIGNAL_PINHOLE_RESTORED], 0, old, pinhole);
}

static void
update_pinhole_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  PortierRouterKeeper *self = step->self;
  g_autoptr(GError) error = NULL;
  gboolean updated;

  updated = portier_router_update_pinhole_finish (PORTIER_ROUTER (source), result, &error);
  if (!step_matters (self, step, error))
    return;

  if (updated)
    {
      self->busy = FALSE;
      schedule (step->held);
      step->held->check_at = step->held->renew_at;
      return;
    }
  if (g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND))
    {
      const PortierPinhole *pinhole = step->held->pinhole;
      guint16 port = pinhole->internal_port;
      PortierProtocol protocol = pinhole->protocol;
      guint lease = step->held->lease;

      g_debug ("The router forgot pinhole %s: opening it again", pinhole->unique_id);
      portier_router_add_pinhole_async (self->router, port, protocol, lease,
                                        self->cancellable, add_pinhole_cb,
                                        g_steal_pointer (&step));
      return;
    }
  self->busy = FALSE;
  g_debug ("Could not renew pinhole %s: %s", step->held->pinhole->unique_id, error->message);
  step->held->renew_at = now_s () + MIN (5, PORTIER_ROUTER_KEEPER_CHECK_INTERVAL);
  step->held->check_at = step->held->renew_at;
}

static void
work (PortierRouterKeeper *self)
{
  gint64 now = now_s ();

  if (self->busy)
    return;

  for (guint i = 0; i < self->held->len; i++)
    {
      Held *held = g_ptr_array_index (self->held, i);
      Step *step;

      /* The clock was set back: renew now rather than a lease too late, and look now
       * rather than hours late. */
      if (held->lease > 0 && held->renew_at - now > (gint64) held->lease)
        held->renew_at = now;
      if (held->check_at - now > MAX ((gint64) held->lease,
                                      PORTIER_ROUTER_KEEPER_CHECK_INTERVAL))
        held->check_at = now;

      if (now < held->check_at && now < held->renew_at)
        continue;

      step = g_new0 (Step, 1);
      step->self = g_object_ref (self);
      step->serial = held->serial;
      step->held = held;
      self->busy = TRUE;

      if (held->pinhole != NULL)
        portier_router_update_pinhole_async (self->router, held->pinhole->unique_id,
                                             held->lease, self->cancellable,
                                             update_pinhole_cb, step);
      else if (held->mapping->method == PORTIER_ROUTER_METHOD_UPNP)
        portier_router_find_mapping_async (self->router, held->mapping->external_port,
                                           held->mapping->protocol, self->cancellable,
                                           find_cb, step);
      else if (now >= held->renew_at)
        add_again (step);  /* NAT-PMP cannot look: renewing is the check */
      else
        {
          held->check_at = held->renew_at;
          self->busy = FALSE;
          step_free (step);
          continue;
        }
      return;
    }

  /* Nothing is due: whatever was asked to be checked now was. */
  if (self->checks->len > 0)
    finish_checks (self);
  arm (self);
}

static gboolean
timer_cb (int          fd,
          GIOCondition condition,
          gpointer     user_data)
{
  /* Its time came, or the clock was set: work() looks at the times again. */
  portier_wall_timer_read (fd);
  work (PORTIER_ROUTER_KEEPER (user_data));
  /* Armed again (or, with a step under way, disarmed until it ends), so that a timer
   * cancelled by a change of the clock does not fire again meanwhile. */
  arm (PORTIER_ROUTER_KEEPER (user_data));
  return G_SOURCE_CONTINUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  PortierRouterKeeper *self = user_data;

  self->timer_id = 0;
  work (self);
  return G_SOURCE_REMOVE;
}

/* The timer waits for the next time due (at once when one is past); nothing held, or a
 * step under way (its end arms it again): it waits for nothing. */
static void
arm (PortierRouterKeeper *self)
{
  gint64 due = G_MAXINT64;

  for (guint i = 0; !self->busy && i < self->held->len; i++)
    {
      const Held *held = g_ptr_array_index (self->held, i);

      due = MIN (due, MIN (held->check_at, held->renew_at));
    }
  /* Checks asked for end when work() finds nothing due: it runs at once. */
  if (!self->busy && self->checks->len > 0)
    due = 1;
  /* 0 would disarm the timer; any time past fires it at once. */
  if (due != G_MAXINT64)
    due = MAX (due, 1);

  if (self->timer_fd < 0)
    {
      g_clear_handle_id (&self->timer_id, g_source_remove);
      if (due != G_MAXINT64)
        self->timer_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT,
                                                     (guint) CLAMP (due - now_s (), 0,
                                                                    G_MAXINT32),
                                                     timeout_cb, self, NULL);
      return;
    }

  if (self->timer_id == 0)
    self->timer_id = g_unix_fd_add (self->timer_fd, G_IO_IN, timer_cb, self);
  portier_wall_timer_arm (self->timer_fd, due != G_MAXINT64 ? due : 0);
}

/* Makes every forward due for a look now. */
static void
check_all_now (PortierRouterKeeper *self)
{
  for (guint i = 0; i < self->held->len; i++)
    ((Held *) g_ptr_array_index (self->held, i))->check_at = 0;
  work (self);
}

static void
woke_cb (gpointer user_data)
{
  g_debug ("The computer woke up: looking at every forward on the router");
  check_all_now (PORTIER_ROUTER_KEEPER (user_data));
}

static void
system_bus_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PortierRouterKeeper) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No system bus, so no word of sleep: %s", error->message);
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  self->system_bus = g_steal_pointer (&bus);
  self->sleep_subscription =
    portier_wake_watch (self->system_bus, woke_cb, self);
}

PortierRouterKeeper *
portier_router_keeper_new (PortierRouter *router)
{
  PortierRouterKeeper *self;

  g_return_val_if_fail (PORTIER_IS_ROUTER (router), NULL);

  self = g_object_new (PORTIER_TYPE_ROUTER_KEEPER, NULL);
  self->router = g_object_ref (router);

  /* After sleep, every forward is looked at once. */
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, system_bus_cb, g_object_ref (self));
  return self;
}

/**
 * portier_router_keeper_get_router:
 *
 * Returns: (transfer none): the router
 */
PortierRouter *
portier_router_keeper_get_router (PortierRouterKeeper *self)
{
  g_return_val_if_fail (PORTIER_IS_ROUTER_KEEPER (self), NULL);

  return self->router;
}

/* Adds @held, scheduled already, to what is kept, and arms the timer for it. */
static void
keep (PortierRouterKeeper *self,
      Held                *held)
{
  held->serial = ++self->next_serial;
  g_ptr_array_add (self->held, held);
  arm (self);
}

/**
 * portier_router_keeper_hold:
 * @mapping: a forward just made
 * @lease: the lease it was asked with (0: permanent; then it is only checked)
 *
 * Keeps @mapping alive from now on.
 */
void
portier_router_keeper_hold (PortierRouterKeeper  *self,
                            const PortierMapping *mapping,
                            guint                 lease)
{
  Held *held;

  g_return_if_fail (PORTIER_IS_ROUTER_KEEPER (self));

  held = g_new0 (Held, 1);
  held->mapping = portier_mapping_copy (mapping);
  held->lease = lease;
  schedule (held);
  keep (self, held);
}

/**
 * portier_router_keeper_hold_pinhole:
 * @pinhole: an IPv6 pinhole just opened
 * @lease: the lease it was opened with
 *
 * Keeps @pinhole open from now on: renewed at half its lease, opened again when the
 * router forgot it (::pinhole-restored tells its new id).
 */
void
portier_router_keeper_hold_pinhole (PortierRouterKeeper  *self,
                                    const PortierPinhole *pinhole,
                                    guint                 lease)
{
  Held *held;

  g_return_if_fail (PORTIER_IS_ROUTER_KEEPER (self));

  held = g_new0 (Held, 1);
  held->pinhole = portier_pinhole_copy (pinhole);
  held->lease = lease > 0 ? lease : PORTIER_ROUTER_DEFAULT_LEASE;
  schedule (held);
  held->check_at = held->renew_at;
  keep (self, held);
}

/**
 * portier_router_keeper_get_mappings:
 *
 * Returns: (transfer full) (element-type PortierMapping): the forwards as they are now
 */
GPtrArray *
portier_router_keeper_get_mappings (PortierRouterKeeper *self)
{
  GPtrArray *mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_mapping_free);

  g_return_val_if_fail (PORTIER_IS_ROUTER_KEEPER (self), mappings);

  for (guint i = 0; i < self->held->len; i++)
    {
      const Held *held = g_ptr_array_index (self->held, i);

      if (held->mapping != NULL)
        g_ptr_array_add (mappings, portier_mapping_copy (held->mapping));
    }
  return mappings;
}

/**
 * portier_router_keeper_release_all:
 *
 * Stops keeping anything alive (the forwards stay on the router until their lease ends
 * or they are removed).
 */
void
portier_router_keeper_release_all (PortierRouterKeeper *self)
{
  g_return_if_fail (PORTIER_IS_ROUTER_KEEPER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_ptr_array_set_size (self->held, 0);
  self->busy = FALSE;
  arm (self);
  finish_checks (self);
}

/**
 * portier_router_keeper_forget:
 * @mapping: a forward being closed
 *
 * Stops keeping @mapping (the same external port and protocol) alive: it is being
 * closed. Should a renewal of it be under way, what that puts back is removed again.
 */
void
portier_router_keeper_forget (PortierRouterKeeper  *self,
                              const PortierMapping *mapping)
{
  g_return_if_fail (PORTIER_IS_ROUTER_KEEPER (self));

  for (guint i = self->held->len; i > 0; i--)
    {
      const Held *held = g_ptr_array_index (self->held, i - 1);

      if (held->mapping != NULL && held->mapping->external_port == mapping->external_port &&
          held->mapping->protocol == mapping->protocol)
        g_ptr_array_remove_index (self->held, i - 1);
    }
}

/**
 * portier_router_keeper_forget_pinhole:
 * @unique_id: the router's id of a pinhole being closed
 *
 * Stops keeping the pinhole open.
 */
void
portier_router_keeper_forget_pinhole (PortierRouterKeeper *self,
                                      const char          *unique_id)
{
  g_return_if_fail (PORTIER_IS_ROUTER_KEEPER (self));

  for (guint i = self->held->len; i > 0; i--)
    {
      const Held *held = g_ptr_array_index (self->held, i - 1);

      if (held->pinhole != NULL && g_strcmp0 (held->pinhole->unique_id, unique_id) == 0)
        g_ptr_array_remove_index (self->held, i - 1);
    }
}

/**
 * portier_router_keeper_check_async:
 *
 * Looks up every held forward on the router now (and adds again what it forgot, renews
 * what is due). Finishes when each was looked at, or tried, once.
 */
void
portier_router_keeper_check_async (PortierRouterKeeper *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PORTIER_IS_ROUTER_KEEPER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_router_keeper_check_async);
  g_ptr_array_add (self->checks, g_steal_pointer (&task));
  check_all_now (self);
}

gboolean
portier_router_keeper_check_finish (PortierRouterKeeper  *self,
                                    GAsyncResult         *result,
                                    GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
