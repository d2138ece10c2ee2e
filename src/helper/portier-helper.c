/* portier-helper.c: the helper's D-Bus object
 *
 * Every call goes the same way: the arguments are checked (portier-helper-args.c), the
 * calls that change the firewall are put to polkit with the caller's bus name as
 * subject (portier-authority.c), and then the firewall work runs on a worker thread,
 * one job at a time, so that two callers never change the firewall at once. The record
 * of the rules the helper made (portier-rule-store.c) is only touched on the main
 * thread, when a job is done.
 *
 * An opening ends when Portier says it ends. A rule with a timeout ends at its end time,
 * an absolute UTC time watched with a timerfd on CLOCK_REALTIME (which, unlike the
 * monotonic clock, goes on during suspend), and looked at again when logind says the
 * computer woke up. A rule that is neither timed nor permanent lasts while the program
 * that asked for it runs: the helper watches the caller's unique bus name and closes
 * the rule when it leaves the bus (a crash included), the way logind ties an inhibitor
 * lock to a connection. What ended while no helper ran is removed when one starts, and
 * at boot (`portier-helper --reconcile`, from portier-helper-reconcile.service).
 *
 * Each rule records the uid that asked for it. Its owner closes it without a password;
 * closing anyone else's needs the close-port action; a caller who is not an
 * administrator sees only their own rules. Calls are limited per uid, reads (GetInfo,
 * QueryPort) are answered from a short cache and run one at a time, and firewall work
 * that changes something (opening, closing, expiry) goes before any read that waits.
 *
 * The helper exits when it has been idle for a while — unless it holds rules that need
 * it: rules with a timeout (it closes them when the time is up), while-running rules
 * (it watches their owners) and firewalld runtime rules (firewalld forgets them when it
 * reloads, and the helper adds them again).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-helper"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>

#include "portier-authority.h"
#include "portier-backend.h"
#include "portier-backend-firewalld.h"
#include "portier-error.h"
#include "portier-wake.h"
#include "portier-helper-run.h"
#include "portier-helper.h"
#include "portier-helper-args.h"
#include "portier-helper1-generated.h"
#include "portier-rule-store.h"

/* Calls in progress, for each kind of call: per uid, and for everyone. */
#define MAX_PENDING_PER_UID 8
#define MAX_PENDING 64
/* How long a QueryPort or GetInfo answer is given again to the same uid, in µs. */
#define ANSWER_CACHE_USEC (2 * G_USEC_PER_SEC)
#define MAX_CACHED_ANSWERS 256
#define MAX_KNOWN_SENDERS 1024


typedef enum
{
  CALL_READ,      /* GetInfo, QueryPort, ListRules */
  CALL_CHANGE,    /* OpenPort, ClosePort */
  N_CALL_KINDS
} CallKind;

struct _PortierHelper
{
  GObject             parent_instance;

  GDBusConnection    *bus;
  PortierAuthority   *authority;
  PortierDBusHelper1 *skeleton;
  PortierRuleStore   *store;
  char               *boot_id;
  guint               idle_seconds;

  GHashTable         *pending[N_CALL_KINDS];   /* uid → count of calls in progress */
  guint               n_pending[N_CALL_KINDS];
  GHashTable         *sender_uids;    /* unique bus name → uid */
  GHashTable         *answers;        /* "uid method args" → Answer */
  GHashTable         *closing;        /* rule ids being closed */
  GHashTable         *owner_watches;  /* unique bus name → watch id */
  guint               jobs_running;
  GQueue              reads;          /* read jobs waiting for the one that runs */
  gboolean            read_running;

  guint               idle_source;
  int                 timer_fd;       /* CLOCK_REALTIME, armed at the next end time */
  guint               timer_source;
  guint               sleep_subscription;
  gint64              expiry_retry_after;
  guint               reloaded_subscription;
  guint               firewalld_watch;
  char               *firewalld_owner;
};

G_DEFINE_FINAL_TYPE (PortierHelper, portier_helper, G_TYPE_OBJECT)

enum {
  SIGNAL_IDLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---------------------------------------------------------------------------------- */
/* Jobs: the firewall work, on a worker thread                                         */

typedef enum
{
  JOB_INFO,
  JOB_QUERY,
  JOB_OPEN,
  JOB_CLOSE,
  JOB_RECONCILE,
  JOB_REAPPLY,
} JobKind;

typedef struct
{
  JobKind            kind;
  GDBusConnection   *bus;
  char              *boot_id;
  PortierPortSpec    spec;
  char              *zone;
  PortierRule       *rule;        /* open: the new rule, filled in; close: a copy */
  GPtrArray         *rules;       /* reconcile, reapply: copies of the record */

  /* results */
  char              *backend_name;
  char              *result_zone;
  gboolean           panic;
  PortierPortStatus  port_status;
  PortierOpenStatus  open_status;
  GPtrArray         *gone;        /* reconcile: ids of rules that no longer exist */
  GPtrArray         *updated;     /* reapply: rules with fewer runtime ranges now */
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->bus);
  g_free (job->boot_id);
  g_free (job->zone);
  g_clear_pointer (&job->rule, portier_rule_free);
  g_clear_pointer (&job->rules, g_ptr_array_unref);
  g_free (job->backend_name);
  g_free (job->result_zone);
  g_clear_pointer (&job->gone, g_ptr_array_unref);
  g_clear_pointer (&job->updated, g_ptr_array_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

/* One job at a time changes or reads the firewall, and a job that changes it (open,
 * close, expiry, reconcile) goes before a read that waits. A read under way is
 * interrupted when a change comes (its program stopped); it runs again afterwards. So
 * however many reads others keep asking for, a change waits for none of them. */
static GMutex firewall_mutex;
static GCond firewall_cond;
static gboolean firewall_busy;
static guint firewall_urgent_waiting;
static GCancellable *firewall_read;   /* the read holding the firewall, if one does */

static gboolean
job_is_read (const Job *job)
{
  return job->kind == JOB_INFO || job->kind == JOB_QUERY;
}

/* @read: for a read, cancelled when a change comes meanwhile; %NULL for a change */
static void
firewall_acquire (GCancellable *read)
{
  gboolean urgent = read == NULL;

  g_mutex_lock (&firewall_mutex);
  if (urgent)
    {
      firewall_urgent_waiting++;
      if (firewall_read != NULL)
        g_cancellable_cancel (firewall_read);
    }
  while (firewall_busy || (!urgent && firewall_urgent_waiting > 0))
    g_cond_wait (&firewall_cond, &firewall_mutex);
  if (urgent)
    firewall_urgent_waiting--;
  firewall_busy = TRUE;
  firewall_read = read;
  g_mutex_unlock (&firewall_mutex);
}

static void
firewall_release (void)
{
  g_mutex_lock (&firewall_mutex);
  firewall_busy = FALSE;
  firewall_read = NULL;
  g_cond_broadcast (&firewall_cond);
  g_mutex_unlock (&firewall_mutex);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Whether @rule has ports in firewalld's runtime, which firewalld forgets when it
 * reloads or restarts. */
static gboolean
is_firewalld_runtime (const PortierRule *rule)
{
  return g_str_equal (rule->backend, "firewalld") && rule->runtime_ranges != NULL;
}

static gboolean
job_info (Job     *job,
          GError **error)
{
  g_autoptr(PortierBackend) backend = portier_backend_detect (job->bus, &job->backend_name,
                                                              error);

  if (backend == NULL)
    return job->backend_name != NULL;

  if (PORTIER_IS_BACKEND_FIREWALLD (backend))
    {
      PortierBackendFirewalld *firewalld = PORTIER_BACKEND_FIREWALLD (backend);

      job->result_zone = portier_backend_firewalld_get_zone (firewalld, "", error);
      if (job->result_zone == NULL ||
          !portier_backend_firewalld_panic_mode (firewalld, &job->panic, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
job_query (Job     *job,
           GError **error)
{
  g_autoptr(PortierBackend) backend = portier_backend_detect (job->bus, &job->backend_name,
                                                              error);

  if (backend == NULL)
    {
      if (job->backend_name == NULL)
        return FALSE;
      /* nothing filters incoming connections, or a firewall the helper cannot read */
      job->port_status = g_str_equal (job->backend_name, "none") ? PORTIER_PORT_STATUS_OPEN
                                                                 : PORTIER_PORT_STATUS_UNKNOWN;
      return TRUE;
    }

  if (PORTIER_IS_BACKEND_FIREWALLD (backend) &&
      !portier_backend_firewalld_panic_mode (PORTIER_BACKEND_FIREWALLD (backend), &job->panic,
                                             error))
    return FALSE;

  job->port_status = portier_backend_query (backend, &job->spec, job->zone, &job->result_zone,
                                            error);
  return job->port_status != PORTIER_PORT_STATUS_UNKNOWN;
}

static gboolean
job_open (Job     *job,
          GError **error)
{
  g_autoptr(PortierBackend) backend = portier_backend_detect (job->bus, &job->backend_name,
                                                              error);

  if (backend == NULL)
    {
      if (job->backend_name == NULL)
        return FALSE;
      if (g_str_equal (job->backend_name, "none"))
        {
          job->open_status = PORTIER_OPEN_NOT_NEEDED;
          return TRUE;
        }
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE,
                   "This computer's firewall (%s) is not one Portier can change",
                   job->backend_name);
      return FALSE;
    }

  if (job->rule->permanent && g_str_equal (job->backend_name, "nftables"))
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED,
                           "nftables rules cannot be made permanent without changing "
                           "the system's configuration files; open the port without "
                           "\"permanent\"");
      return FALSE;
    }

  job->rule->backend = g_strdup (job->backend_name);
  if (!portier_backend_open (backend, job->rule, &job->open_status, error))
    return FALSE;
  job->result_zone = g_strdup (job->rule->zone);
  return TRUE;
}

static gboolean
job_close (Job     *job,
           GError **error)
{
  g_autoptr(PortierBackend) backend = portier_backend_new_for_name (job->bus,
                                                                    job->rule->backend);

  if (backend == NULL)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE,
                   "Unknown backend %s", job->rule->backend);
      return FALSE;
    }
  if (PORTIER_IS_BACKEND_FIREWALLD (backend) && !portier_backend_firewalld_is_running (job->bus))
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE,
                           "firewalld is not running");
      return FALSE;
    }
  return portier_backend_close (backend, job->rule, error);
}

/* Whether the program with the unique bus name @owner is still on the bus. */
static gboolean
owner_present (GDBusConnection *bus,
               const char      *owner)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean present = TRUE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", owner), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  if (reply == NULL)
    g_warning ("Cannot tell whether %s is still there: %s", owner, error->message);
  else
    g_variant_get (reply, "(b)", &present);
  return present;
}

/* At start: what the record says against what the firewall holds. */
static gboolean
job_reconcile (Job     *job,
               GError **error)
{
  gint64 now = now_seconds ();

  job->gone = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < job->rules->len; i++)
    {
      const PortierRule *rule = g_ptr_array_index (job->rules, i);
      g_autoptr(PortierBackend) backend = portier_backend_new_for_name (job->bus, rule->backend);
      g_autoptr(GError) local_error = NULL;
      gboolean other_boot = !g_str_equal (rule->boot_id, job->boot_id);
      gboolean present = FALSE;

      if (backend == NULL)
        continue;
      if (PORTIER_IS_BACKEND_FIREWALLD (backend) && !portier_backend_firewalld_is_running (job->bus))
        {
          g_debug ("firewalld is not running; keeping the record of %s", rule->id);
          continue;
        }

      /* firewalld forgets runtime rules at a restart of the computer. Whatever its
       * runtime holds now for these ports came from someone else: forget ours, and
       * remove nothing. */
      if (other_boot && !rule->permanent && PORTIER_IS_BACKEND_FIREWALLD (backend))
        {
          g_message ("Rule %s (%u-%u/%s) ended with the restart of the computer", rule->id,
                     rule->first, rule->last, portier_protocol_to_string (rule->protocol));
          g_ptr_array_add (job->gone, g_strdup (rule->id));
          continue;
        }

      /* A rule that was not permanent ends with the boot it was made in, and a rule
       * with a timeout ends then; ufw would keep both, so they are removed (nftables
       * and ufw remove only what still carries the rule's mark). */
      if ((other_boot && !rule->permanent) || (rule->expires != 0 && rule->expires <= now) ||
          (rule->owner != NULL && !owner_present (job->bus, rule->owner)))
        {
          if (!portier_backend_close (backend, rule, &local_error))
            {
              g_warning ("Could not remove the expired rule %s: %s", rule->id,
                         local_error->message);
              continue;
            }
          g_message ("Removed rule %s (%u-%u/%s): it ended", rule->id, rule->first, rule->last,
                     portier_protocol_to_string (rule->protocol));
          g_ptr_array_add (job->gone, g_strdup (rule->id));
          continue;
        }

      if (!portier_backend_exists (backend, rule, &present, &local_error))
        {
          g_warning ("Could not check rule %s: %s", rule->id, local_error->message);
          continue;
        }
      if (!present)
        {
          g_message ("Rule %s (%u-%u/%s) was removed outside Portier; forgetting it", rule->id,
                     rule->first, rule->last, portier_protocol_to_string (rule->protocol));
          g_ptr_array_add (job->gone, g_strdup (rule->id));
        }
    }
  return TRUE;
}

/* After firewalld reloaded or restarted: its runtime rules are gone; add ours again. */
static gboolean
job_reapply (Job     *job,
             GError **error)
{
  g_autoptr(PortierBackendFirewalld) firewalld = portier_backend_firewalld_new (job->bus);
  gint64 now = now_seconds ();

  job->updated = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_rule_free);

  for (guint i = 0; i < job->rules->len; i++)
    {
      const PortierRule *rule = g_ptr_array_index (job->rules, i);
      g_autoptr(GError) local_error = NULL;
      g_auto(GStrv) ours = NULL;
      guint32 left = 0;

      if (!is_firewalld_runtime (rule))
        continue;
      if (rule->expires != 0)
        {
          if (rule->expires <= now)
            continue;
          left = (guint32) MIN (rule->expires - now, G_MAXINT32);
        }
      if (!portier_backend_firewalld_reapply (firewalld, rule, left, &ours, &local_error))
        {
          g_warning ("Could not add rule %s again after firewalld reloaded: %s", rule->id,
                     local_error->message);
          continue;
        }
      if (g_strv_length (ours) != g_strv_length (rule->runtime_ranges))
        {
          PortierRule *copy = portier_rule_copy (rule);

          g_strfreev (copy->runtime_ranges);
          copy->runtime_ranges = g_steal_pointer (&ours);
          g_ptr_array_add (job->updated, copy);
        }
      else
        g_message ("firewalld reloaded and forgot rule %s (%u-%u/%s), which has not ended: "
                   "added it again", rule->id, rule->first, rule->last,
                   portier_protocol_to_string (rule->protocol));
    }
  return TRUE;
}

/* A read of the firewall; interrupted by a change, it reads again after it. */
static gboolean
job_read (Job     *job,
          GError **error)
{
  for (;;)
    {
      g_autoptr(GCancellable) interrupt = g_cancellable_new ();
      g_autoptr(GError) local_error = NULL;
      gboolean ok;

      firewall_acquire (interrupt);
      portier_helper_run_set_interrupt (interrupt);
      ok = job->kind == JOB_INFO ? job_info (job, &local_error)
                                 : job_query (job, &local_error);
      portier_helper_run_set_interrupt (NULL);
      firewall_release ();

      if (!g_cancellable_is_cancelled (interrupt))
        {
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          return ok;
        }
      g_clear_pointer (&job->result_zone, g_free);
      g_clear_pointer (&job->backend_name, g_free);
    }
}

static gboolean
job_change (Job     *job,
            GError **error)
{
  gboolean ok = FALSE;

  firewall_acquire (NULL);
  switch (job->kind)
    {
    case JOB_OPEN:
      ok = job_open (job, error);
      break;
    case JOB_CLOSE:
      ok = job_close (job, error);
      break;
    case JOB_RECONCILE:
      ok = job_reconcile (job, error);
      break;
    case JOB_REAPPLY:
      ok = job_reapply (job, error);
      break;
    default:
      g_assert_not_reached ();
    }
  firewall_release ();
  return ok;
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = job_is_read (job) ? job_read (job, &error) : job_change (job, &error);

  if (!ok)
    {
      if (error == NULL)
        error = g_error_new_literal (PORTIER_ERROR, PORTIER_ERROR_FIREWALL_FAILED,
                                     "The firewall could not be read");
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    g_task_return_boolean (task, TRUE);
}

static Job *
job_new (PortierHelper *self,
         JobKind        kind)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->bus = g_object_ref (self->bus);
  job->boot_id = g_strdup (self->boot_id);
  return job;
}

/* Reads run one at a time: however many wait, they hold at most one worker thread, and
 * the threads stay free for the jobs that change the firewall. */
static void
job_start (PortierHelper *self,
           GTask         *task)
{
  if (job_is_read (g_task_get_task_data (task)))
    {
      if (self->read_running)
        {
          g_queue_push_tail (&self->reads, g_object_ref (task));
          return;
        }
      self->read_running = TRUE;
    }
  g_task_run_in_thread (task, job_thread);
}

static void
job_run (PortierHelper       *self,
         Job                 *job,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, job_run);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  self->jobs_running++;
  job_start (self, task);
}

/* Removes @rule (copied) from the firewall on the worker thread. */
static void
job_run_close (PortierHelper       *self,
               const PortierRule   *rule,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  Job *job = job_new (self, JOB_CLOSE);

  job->rule = portier_rule_copy (rule);
  job_run (self, job, callback, user_data);
}

static Job *
job_finish (PortierHelper  *self,
            GAsyncResult   *result,
            GError        **error)
{
  Job *job = g_task_get_task_data (G_TASK (result));

  self->jobs_running--;
  if (job_is_read (job))
    {
      g_autoptr(GTask) next = g_queue_pop_head (&self->reads);

      self->read_running = FALSE;
      if (next != NULL)
        job_start (self, next);
    }
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return job;
}

/* ---------------------------------------------------------------------------------- */
/* Keeping alive, timeouts, firewalld reloads                                          */

static void schedule_idle (PortierHelper *self);
static void update_watches (PortierHelper *self);

static gboolean
needs_to_stay (PortierHelper *self)
{
  g_autoptr(GPtrArray) rules = portier_rule_store_dup_rules (self->store);

  for (guint i = 0; i < rules->len; i++)
    {
      const PortierRule *rule = g_ptr_array_index (rules, i);

      if (rule->expires != 0 || rule->owner != NULL)
        return TRUE;
      if (is_firewalld_runtime (rule))
        return TRUE;
    }
  return FALSE;
}

static gboolean
idle_cb (gpointer user_data)
{
  PortierHelper *self = user_data;

  self->idle_source = 0;
  if (self->n_pending[CALL_READ] > 0 || self->n_pending[CALL_CHANGE] > 0 ||
      self->jobs_running > 0 || needs_to_stay (self))
    {
      schedule_idle (self);
      return G_SOURCE_REMOVE;
    }

  g_debug ("Idle for %u seconds", self->idle_seconds);
  g_signal_emit (self, signals[SIGNAL_IDLE], 0);
  return G_SOURCE_REMOVE;
}

static void
schedule_idle (PortierHelper *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->idle_seconds > 0)
    self->idle_source = g_timeout_add_seconds (self->idle_seconds, idle_cb, self);
}

static gboolean
save_store (PortierHelper *self)
{
  g_autoptr(GError) error = NULL;

  if (!portier_rule_store_save (self->store, &error))
    {
      g_critical ("Cannot write the record of rules to %s: %s",
                  portier_rule_store_get_path (self->store), error->message);
      return FALSE;
    }
  g_hash_table_remove_all (self->answers);
  portier_dbus_helper1_emit_rules_changed (self->skeleton);
  update_watches (self);
  return TRUE;
}

typedef struct
{
  char       *id;
  const char *reason;   /* static */
} Ending;

static void
ending_free (Ending *ending)
{
  g_free (ending->id);
  g_free (ending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Ending, ending_free)

static void
end_close_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  PortierHelper *self = PORTIER_HELPER (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(Ending) ending = user_data;
  Job *job = job_finish (self, result, &error);

  g_hash_table_remove (self->closing, ending->id);
  if (job == NULL)
    {
      /* try again in a minute, not in a loop */
      g_warning ("Could not close rule %s, which ended (%s): %s", ending->id, ending->reason,
                 error->message);
      self->expiry_retry_after = now_seconds () + 60;
      update_watches (self);
      return;
    }

  g_message ("Closed rule %s: %s", ending->id, ending->reason);
  self->expiry_retry_after = 0;
  portier_rule_store_remove (self->store, ending->id);
  save_store (self);
}

/* Closes @rule, which ended for @reason (a static string). */
static void
end_rule (PortierHelper     *self,
          const PortierRule *rule,
          const char        *reason)
{
  Ending *ending;

  if (g_hash_table_contains (self->closing, rule->id))
    return;
  ending = g_new0 (Ending, 1);
  ending->id = g_strdup (rule->id);
  ending->reason = reason;
  g_hash_table_add (self->closing, g_strdup (rule->id));
  job_run_close (self, rule, end_close_cb, ending);
}

static void
check_end_times (PortierHelper *self)
{
  g_autoptr(GPtrArray) rules = portier_rule_store_dup_rules (self->store);
  gint64 now = now_seconds ();

  if (now >= self->expiry_retry_after)
    for (guint i = 0; i < rules->len; i++)
      {
        const PortierRule *rule = g_ptr_array_index (rules, i);

        if (rule->expires != 0 && rule->expires <= now)
          end_rule (self, rule, "its time was up");
      }
  update_watches (self);
}

static gboolean
timer_cb (int          fd,
          GIOCondition condition,
          gpointer     user_data)
{
  /* Its time came, or the clock was set: look again all the same. */
  portier_wall_timer_read (fd);
  check_end_times (user_data);
  return G_SOURCE_CONTINUE;
}

/* Arms the timer at @when (Unix time; 0 disarms it). */
static void
arm_timer (PortierHelper *self,
           gint64         when)
{
  portier_wall_timer_arm (self->timer_fd, when);
}

static void
woke_cb (gpointer user_data)
{
  g_message ("The computer woke up; looking at the end times again");
  check_end_times (PORTIER_HELPER (user_data));
}

static void
owner_vanished_cb (GDBusConnection *connection,
                   const char      *name,
                   gpointer         user_data)
{
  PortierHelper *self = user_data;
  g_autoptr(GPtrArray) rules = portier_rule_store_dup_rules (self->store);

  for (guint i = 0; i < rules->len; i++)
    {
      const PortierRule *rule = g_ptr_array_index (rules, i);

      if (g_strcmp0 (rule->owner, name) == 0)
        end_rule (self, rule, "the program that opened it while it runs has stopped");
    }
  update_watches (self);
}

/* Watches the owners of while-running rules, and only those. */
static void
update_owner_watches (PortierHelper *self,
                      GPtrArray     *rules)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < rules->len; i++)
    {
      const PortierRule *rule = g_ptr_array_index (rules, i);

      if (rule->owner != NULL && !g_hash_table_contains (self->closing, rule->id))
        g_hash_table_add (wanted, rule->owner);
    }

  g_hash_table_iter_init (&iter, self->owner_watches);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (wanted, key))
      g_hash_table_iter_remove (&iter);

  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (self->owner_watches, key))
      g_ptr_array_add (added, key);

  /* The vanished callback never runs from within g_bus_watch_name_on_connection(). */
  for (guint i = 0; i < added->len; i++)
    {
      const char *name = g_ptr_array_index (added, i);
      guint id = g_bus_watch_name_on_connection (self->bus, name,
                                                 G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
                                                 owner_vanished_cb, self, NULL);

      g_hash_table_insert (self->owner_watches, g_strdup (name), GUINT_TO_POINTER (id));
    }
}

static void
unwatch_owner (gpointer data)
{
  g_bus_unwatch_name (GPOINTER_TO_UINT (data));
}

static void
log_job_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (job_finish (PORTIER_HELPER (source), result, &error) == NULL)
    g_warning ("%s", error->message);
}

static void
reapply_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PortierHelper *self = PORTIER_HELPER (source);
  g_autoptr(GError) error = NULL;
  Job *job = job_finish (self, result, &error);
  gboolean changed = FALSE;

  if (job == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  /* What firewalld's own configuration now holds is not Portier's to remove. */
  for (guint i = 0; i < job->updated->len; i++)
    {
      const PortierRule *rule = g_ptr_array_index (job->updated, i);

      if (portier_rule_store_lookup (self->store, rule->id) == NULL ||
          g_hash_table_contains (self->closing, rule->id))
        continue;
      portier_rule_store_remove (self->store, rule->id);
      portier_rule_store_add (self->store, portier_rule_copy (rule), NULL);
      changed = TRUE;
    }
  if (changed)
    save_store (self);
}

static void
reapply (PortierHelper *self)
{
  Job *job = job_new (self, JOB_REAPPLY);
  g_autoptr(GPtrArray) rules = portier_rule_store_dup_rules (self->store);

  /* Only rules that have not ended (nor are being closed) are added again. */
  job->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_rule_free);
  for (guint i = 0; i < rules->len; i++)
    if (!g_hash_table_contains (self->closing,
                                ((PortierRule *) g_ptr_array_index (rules, i))->id))
      g_ptr_array_add (job->rules, portier_rule_copy (g_ptr_array_index (rules, i)));
  job_run (self, job, reapply_cb, NULL);
}

static void
firewalld_reloaded_cb (GDBusConnection *connection,
                       const char      *sender_name,
                       const char      *object_path,
                       const char      *interface_name,
                       const char      *signal_name,
                       GVariant        *parameters,
                       gpointer         user_data)
{
  g_debug ("firewalld reloaded");
  reapply (PORTIER_HELPER (user_data));
}

static void
firewalld_appeared_cb (GDBusConnection *connection,
                       const char      *name,
                       const char      *name_owner,
                       gpointer         user_data)
{
  PortierHelper *self = user_data;
  gboolean restarted = self->firewalld_owner != NULL &&
                       !g_str_equal (self->firewalld_owner, name_owner);

  g_free (self->firewalld_owner);
  self->firewalld_owner = g_strdup (name_owner);
  if (restarted)
    {
      g_debug ("firewalld restarted");
      reapply (self);
    }
}

static void
firewalld_vanished_cb (GDBusConnection *connection,
                       const char      *name,
                       gpointer         user_data)
{
  PortierHelper *self = user_data;

  /* Remember that it was there: when it comes back, it has forgotten our rules. */
  if (self->firewalld_owner == NULL)
    self->firewalld_owner = g_strdup ("");
}

static void
update_watches (PortierHelper *self)
{
  g_autoptr(GPtrArray) rules = portier_rule_store_dup_rules (self->store);
  gboolean firewalld_runtime = FALSE;
  gint64 next_expiry = 0;

  for (guint i = 0; i < rules->len; i++)
    {
      const PortierRule *rule = g_ptr_array_index (rules, i);

      if (is_firewalld_runtime (rule))
        firewalld_runtime = TRUE;
      if (rule->expires != 0 && !g_hash_table_contains (self->closing, rule->id) &&
          (next_expiry == 0 || rule->expires < next_expiry))
        next_expiry = rule->expires;
    }

  if (firewalld_runtime && self->reloaded_subscription == 0)
    {
      self->reloaded_subscription =
        g_dbus_connection_signal_subscribe (self->bus, PORTIER_FIREWALLD_BUS_NAME,
                                            PORTIER_FIREWALLD_INTERFACE, "Reloaded",
                                            PORTIER_FIREWALLD_PATH, NULL,
                                            G_DBUS_SIGNAL_FLAGS_NONE,
                                            firewalld_reloaded_cb, self, NULL);
      self->firewalld_watch =
        g_bus_watch_name_on_connection (self->bus, PORTIER_FIREWALLD_BUS_NAME,
                                        G_BUS_NAME_WATCHER_FLAGS_NONE,
                                        firewalld_appeared_cb, firewalld_vanished_cb,
                                        self, NULL);
    }
  else if (!firewalld_runtime && self->reloaded_subscription != 0)
    {
      g_dbus_connection_signal_unsubscribe (self->bus, self->reloaded_subscription);
      self->reloaded_subscription = 0;
      g_clear_handle_id (&self->firewalld_watch, g_bus_unwatch_name);
      g_clear_pointer (&self->firewalld_owner, g_free);
    }

  update_owner_watches (self, rules);
  arm_timer (self, next_expiry != 0 ? MAX (next_expiry, self->expiry_retry_after) : 0);
}

/* ---------------------------------------------------------------------------------- */
/* Calls                                                                               */

typedef struct _Call Call;
typedef void (*CallStep) (Call *call);

struct _Call
{
  PortierHelper         *self;
  GDBusMethodInvocation *invocation;
  char                  *sender;
  CallKind               kind;
  gboolean               admitted;
  guint32                uid;
  PortierOpenRequest     open;
  PortierPortSpec        spec;        /* query */
  PortierRule           *rule;        /* close: a copy of the rule */
};

static Call *
call_new (PortierHelper         *self,
          GDBusMethodInvocation *invocation,
          CallKind               kind)
{
  Call *call = g_new0 (Call, 1);
  const char *sender = g_dbus_method_invocation_get_sender (invocation);

  call->self = g_object_ref (self);
  call->invocation = g_object_ref (invocation);
  call->sender = g_strdup (sender != NULL ? sender : "");
  call->kind = kind;
  g_clear_handle_id (&self->idle_source, g_source_remove);
  return call;
}

static void
call_free (Call *call)
{
  PortierHelper *self = call->self;

  if (call->admitted)
    {
      GHashTable *pending = self->pending[call->kind];
      gpointer key = GUINT_TO_POINTER (call->uid);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (pending, key));

      if (count <= 1)
        g_hash_table_remove (pending, key);
      else
        g_hash_table_insert (pending, key, GUINT_TO_POINTER (count - 1));
      self->n_pending[call->kind]--;
    }
  if (self->n_pending[CALL_READ] == 0 && self->n_pending[CALL_CHANGE] == 0)
    schedule_idle (self);

  portier_open_request_clear (&call->open);
  g_clear_pointer (&call->rule, portier_rule_free);
  g_free (call->sender);
  g_object_unref (call->invocation);
  g_object_unref (call->self);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

/* Errors go back with their PORTIER_ERROR code. Messages that could carry what a
 * firewall program printed are kept for the log; the caller gets a plain one. */
static void
return_error (GDBusMethodInvocation *invocation,
              const GError          *error)
{
  const char *method = g_dbus_method_invocation_get_method_name (invocation);

  if (error->domain == PORTIER_ERROR &&
      (error->code == PORTIER_ERROR_INVALID_ARGUMENT ||
       error->code == PORTIER_ERROR_NOT_FOUND ||
       error->code == PORTIER_ERROR_NOT_SUPPORTED ||
       error->code == PORTIER_ERROR_NOT_AUTHORIZED ||
       error->code == PORTIER_ERROR_AUTHORIZATION_DISMISSED ||
       error->code == PORTIER_ERROR_FIREWALL_PANIC_MODE ||
       error->code == PORTIER_ERROR_FIREWALL_IPTABLES ||
       error->code == PORTIER_ERROR_FIREWALL_UNAVAILABLE ||
       error->code == PORTIER_ERROR_LIMIT_REACHED))
    {
      g_debug ("%s: %s", method, error->message);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }

  g_warning ("%s failed: %s", method, error->message);
  g_dbus_method_invocation_return_error_literal (
    invocation, PORTIER_ERROR,
    error->domain == PORTIER_ERROR ? error->code : PORTIER_ERROR_FAILED,
    "The firewall did not accept the change; the helper's log has the details");
}

/* Counts the call against its uid; refuses it when that uid, or everyone together, has
 * too many calls of its kind in progress. Reads and changes have separate budgets, so
 * a flood of one never holds up the other, and one uid never uses up everyone's. */
static gboolean
admit (Call *call)
{
  PortierHelper *self = call->self;
  GHashTable *pending = self->pending[call->kind];
  gpointer key = GUINT_TO_POINTER (call->uid);
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (pending, key));

  if (count >= MAX_PENDING_PER_UID || self->n_pending[call->kind] >= MAX_PENDING)
    {
      g_dbus_method_invocation_return_error_literal (call->invocation, PORTIER_ERROR,
                                                     PORTIER_ERROR_FAILED,
                                                     "Too many calls at once; try again");
      return FALSE;
    }
  g_hash_table_insert (pending, key, GUINT_TO_POINTER (count + 1));
  self->n_pending[call->kind]++;
  call->admitted = TRUE;
  return TRUE;
}

typedef struct
{
  Call     *call;
  CallStep  step;
} UidLookup;

static void
uid_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  UidLookup *lookup = user_data;
  g_autoptr(Call) call = lookup->call;
  CallStep step = lookup->step;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  PortierHelper *self = call->self;

  g_free (lookup);
  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_debug ("Cannot tell who %s is: %s", call->sender, error->message);
      g_dbus_method_invocation_return_error_literal (call->invocation, PORTIER_ERROR,
                                                     PORTIER_ERROR_NOT_AUTHORIZED,
                                                     "The caller went away");
      return;
    }
  g_variant_get (reply, "(u)", &call->uid);

  /* Unique names are never given out twice on a bus: the answer stays true. */
  if (g_hash_table_size (self->sender_uids) >= MAX_KNOWN_SENDERS)
    g_hash_table_remove_all (self->sender_uids);
  g_hash_table_insert (self->sender_uids, g_strdup (call->sender),
                       GUINT_TO_POINTER (call->uid));

  if (admit (call))
    step (g_steal_pointer (&call));
}

/* Finds out who the caller is (the uid from the bus), admits the call, and goes on
 * with @step, which takes the call. */
static void
call_start (Call     *call,
            CallStep  step)
{
  PortierHelper *self = call->self;
  gpointer uid;
  UidLookup *lookup;

  if (g_hash_table_lookup_extended (self->sender_uids, call->sender, NULL, &uid))
    {
      call->uid = GPOINTER_TO_UINT (uid);
      if (admit (call))
        step (call);
      else
        call_free (call);
      return;
    }

  lookup = g_new0 (UidLookup, 1);
  lookup->call = call;
  lookup->step = step;
  g_dbus_connection_call (self->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionUnixUser",
                          g_variant_new ("(s)", call->sender), G_VARIANT_TYPE ("(u)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, uid_cb, lookup);
}

static gboolean
allows_interaction (GDBusMethodInvocation *invocation,
                    gboolean               asked)
{
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);

  return asked && (g_dbus_message_get_flags (message) &
                   G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION) != 0;
}

/* Answers of GetInfo and QueryPort, for a moment: asking again does not run the
 * firewall's programs again. Each uid has its own, and any change forgets them all. */

typedef struct
{
  GVariant *value;
  gint64    when;
} Answer;

static void
answer_free (Answer *answer)
{
  g_variant_unref (answer->value);
  g_free (answer);
}

static char *
answer_key (Call *call)
{
  return g_strdup_printf ("%u %s %u %u %d", call->uid,
                          g_dbus_method_invocation_get_method_name (call->invocation),
                          call->spec.first, call->spec.last, (int) call->spec.protocol);
}

/* Returns whether a recent answer went back to the call. */
static gboolean
answer_from_cache (Call *call)
{
  g_autofree char *key = answer_key (call);
  Answer *answer = g_hash_table_lookup (call->self->answers, key);

  if (answer == NULL || g_get_monotonic_time () - answer->when > ANSWER_CACHE_USEC)
    return FALSE;
  g_dbus_method_invocation_return_value (call->invocation,
                                         g_variant_new_tuple (&answer->value, 1));
  return TRUE;
}

/* Sends @value (floating or not) back, and keeps it for a moment. */
static void
answer_and_cache (Call     *call,
                  GVariant *value)
{
  Answer *answer = g_new0 (Answer, 1);

  answer->value = g_variant_ref_sink (value);
  answer->when = g_get_monotonic_time ();
  if (g_hash_table_size (call->self->answers) >= MAX_CACHED_ANSWERS)
    g_hash_table_remove_all (call->self->answers);
  g_hash_table_insert (call->self->answers, answer_key (call), answer);
  g_dbus_method_invocation_return_value (call->invocation,
                                         g_variant_new_tuple (&answer->value, 1));
}

/* GetInfo */

static void
info_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  Job *job = job_finish (call->self, result, &error);
  GVariantBuilder info;

  if (job == NULL)
    {
      return_error (call->invocation, error);
      return;
    }

  g_variant_builder_init (&info, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&info, "{sv}", "version", g_variant_new_string (PACKAGE_VERSION));
  g_variant_builder_add (&info, "{sv}", "backend", g_variant_new_string (job->backend_name));
  g_variant_builder_add (&info, "{sv}", "zone",
                         g_variant_new_string (job->result_zone != NULL ? job->result_zone : ""));
  g_variant_builder_add (&info, "{sv}", "panic-mode", g_variant_new_boolean (job->panic));
  answer_and_cache (call, g_variant_builder_end (&info));
}

static void
get_info (Call *call)
{
  PortierHelper *self = call->self;

  if (answer_from_cache (call))
    {
      call_free (call);
      return;
    }
  job_run (self, job_new (self, JOB_INFO), info_cb, call);
}

static gboolean
handle_get_info_cb (PortierDBusHelper1    *skeleton,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  call_start (call_new (user_data, invocation, CALL_READ), get_info);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* QueryPort */

/* Whether @uid sees every rule, or only their own. */
static gboolean
sees_rule (guint32            uid,
           const PortierRule *rule)
{
  return uid == 0 || rule->uid == uid;
}

static const PortierRule *
find_covering_rule (const PortierPortSpec *spec,
                    GPtrArray             *rules,
                    guint32                uid)
{
  for (guint i = 0; i < rules->len; i++)
    {
      const PortierRule *rule = g_ptr_array_index (rules, i);

      if (rule->protocol == spec->protocol && rule->first <= spec->first &&
          rule->last >= spec->last && sees_rule (uid, rule))
        return rule;
    }
  return NULL;
}

static void
query_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  Job *job = job_finish (call->self, result, &error);
  const PortierRule *ours;
  GVariantBuilder answer;

  if (job == NULL)
    {
      return_error (call->invocation, error);
      return;
    }

  /* Only the caller's own rule is named (root's: any). */
  rules = portier_rule_store_dup_rules (call->self->store);
  ours = find_covering_rule (&job->spec, rules, call->uid);

  g_variant_builder_init (&answer, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&answer, "{sv}", "backend", g_variant_new_string (job->backend_name));
  g_variant_builder_add (&answer, "{sv}", "status",
                         g_variant_new_string (portier_port_status_to_string (job->port_status)));
  g_variant_builder_add (&answer, "{sv}", "zone",
                         g_variant_new_string (job->result_zone != NULL ? job->result_zone : ""));
  g_variant_builder_add (&answer, "{sv}", "panic-mode", g_variant_new_boolean (job->panic));
  if (ours != NULL)
    g_variant_builder_add (&answer, "{sv}", "rule-id", g_variant_new_string (ours->id));
  answer_and_cache (call, g_variant_builder_end (&answer));
}

static void
query_port (Call *call)
{
  PortierHelper *self = call->self;
  Job *job;

  if (answer_from_cache (call))
    {
      call_free (call);
      return;
    }
  job = job_new (self, JOB_QUERY);
  job->spec = call->spec;
  job->zone = g_strdup ("");
  job_run (self, job, query_cb, call);
}

static gboolean
handle_query_port_cb (PortierDBusHelper1    *skeleton,
                      GDBusMethodInvocation *invocation,
                      guint16                first,
                      guint16                last,
                      const char            *protocol,
                      gpointer               user_data)
{
  PortierHelper *self = user_data;
  g_autoptr(GError) error = NULL;
  PortierPortSpec spec = { 0, };
  Call *call;

  if (!portier_helper_parse_query_args (g_dbus_method_invocation_get_parameters (invocation),
                                        &spec, &error))
    {
      return_error (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  call = call_new (self, invocation, CALL_READ);
  call->spec = spec;
  call_start (call, query_port);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* OpenPort: check → who is it → polkit → firewall → record */

static void
open_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  PortierHelper *self = call->self;
  Job *job = job_finish (self, result, &error);
  const char *rule_id = "";
  GVariantBuilder answer;

  if (job == NULL)
    {
      return_error (call->invocation, error);
      return;
    }

  if (job->open_status == PORTIER_OPEN_OPENED)
    {
      if (!portier_rule_store_add (self->store, portier_rule_copy (job->rule), &error) ||
          !save_store (self))
        {
          /* A rule the record does not hold could never be removed by the helper:
           * take it back. */
          portier_rule_store_remove (self->store, job->rule->id);
          job_run_close (self, job->rule, log_job_cb, NULL);
          if (error != NULL)
            return_error (call->invocation, error);
          else
            g_dbus_method_invocation_return_error_literal (call->invocation, PORTIER_ERROR,
                                                           PORTIER_ERROR_FAILED,
                                                           "The helper could not write its "
                                                           "record");
          return;
        }
      rule_id = job->rule->id;
      g_message ("Opened %u-%u/%s as rule %s (%s%s%s) for uid %u%s", job->rule->first,
                 job->rule->last, portier_protocol_to_string (job->rule->protocol), rule_id,
                 job->backend_name, job->rule->zone[0] != '\0' ? ", zone " : "",
                 job->rule->zone, job->rule->uid,
                 job->rule->owner != NULL ? ", while its program runs" : "");
    }

  g_variant_builder_init (&answer, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&answer, "{sv}", "status",
                         g_variant_new_string (portier_open_status_to_string (job->open_status)));
  g_variant_builder_add (&answer, "{sv}", "backend", g_variant_new_string (job->backend_name));
  g_variant_builder_add (&answer, "{sv}", "zone",
                         g_variant_new_string (job->result_zone != NULL ? job->result_zone : ""));
  portier_dbus_helper1_complete_open_port (self->skeleton, call->invocation, rule_id,
                                           g_variant_builder_end (&answer));
}

static void
open_authorized_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  PortierHelper *self = call->self;
  PortierRule *rule;
  Job *job;

  if (!portier_authority_check_finish (PORTIER_AUTHORITY (source), result, &error) ||
      !portier_rule_store_has_room (self->store, &error))
    {
      return_error (call->invocation, error);
      return;
    }

  rule = portier_rule_new ();
  rule->id = portier_helper_new_rule_id ();
  rule->first = call->open.first;
  rule->last = call->open.last;
  rule->protocol = call->open.protocol;
  g_free (rule->zone);
  rule->zone = g_strdup (call->open.zone);
  g_free (rule->label);
  rule->label = g_strdup (call->open.label);
  rule->permanent = call->open.permanent;
  rule->created = now_seconds ();
  rule->expires = call->open.timeout > 0 ? rule->created + call->open.timeout : 0;
  rule->uid = call->uid;
  g_free (rule->boot_id);
  rule->boot_id = g_strdup (self->boot_id);
  /* Neither timed nor permanent: it lasts while the caller stays on the bus. */
  if (portier_rule_is_while_running (rule))
    rule->owner = g_strdup (call->sender);

  job = job_new (self, JOB_OPEN);
  job->rule = rule;
  job_run (self, job, open_done_cb, g_steal_pointer (&call));
}

static void
open_port (Call *call)
{
  g_autofree char *ports = portier_helper_format_ports (call->open.first, call->open.last);

  portier_authority_check_async (call->self->authority, call->sender,
                                 PORTIER_ACTION_OPEN_PORT, ports,
                                 portier_protocol_to_string (call->open.protocol),
                                 allows_interaction (call->invocation, call->open.interactive),
                                 NULL, open_authorized_cb, call);
}

static gboolean
handle_open_port_cb (PortierDBusHelper1    *skeleton,
                     GDBusMethodInvocation *invocation,
                     guint16                first,
                     guint16                last,
                     const char            *protocol,
                     const char            *zone,
                     guint                  timeout,
                     gboolean               permanent,
                     const char            *label,
                     gboolean               interactive,
                     gpointer               user_data)
{
  PortierHelper *self = user_data;
  g_autoptr(GError) error = NULL;
  PortierOpenRequest request;
  Call *call;

  if (!portier_helper_parse_open_args (g_dbus_method_invocation_get_parameters (invocation),
                                       &request, &error))
    {
      return_error (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  call = call_new (self, invocation, CALL_CHANGE);
  call->open = request;
  call_start (call, open_port);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ClosePort: check → known rule → who is it → its owner, else polkit → firewall →
 * record */

static void
close_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  PortierHelper *self = call->self;
  Job *job = job_finish (self, result, &error);

  g_hash_table_remove (self->closing, call->rule->id);
  if (job == NULL)
    {
      update_watches (self);
      return_error (call->invocation, error);
      return;
    }

  portier_rule_store_remove (self->store, call->rule->id);
  save_store (self);
  g_message ("Closed rule %s (%u-%u/%s) for uid %u", call->rule->id, call->rule->first,
             call->rule->last, portier_protocol_to_string (call->rule->protocol), call->uid);
  portier_dbus_helper1_complete_close_port (self->skeleton, call->invocation);
}

static void
close_authorized (Call *call)
{
  g_autoptr(Call) owned = call;
  PortierHelper *self = call->self;
  const PortierRule *rule = call->rule;

  /* The rule may have gone while polkit was asking. */
  if (portier_rule_store_lookup (self->store, rule->id) == NULL ||
      g_hash_table_contains (self->closing, rule->id))
    {
      g_dbus_method_invocation_return_error (call->invocation, PORTIER_ERROR,
                                             PORTIER_ERROR_NOT_FOUND,
                                             "Rule %s is already closed or closing",
                                             rule->id);
      return;
    }

  g_hash_table_add (self->closing, g_strdup (rule->id));
  job_run_close (self, rule, close_done_cb, g_steal_pointer (&owned));
}

static void
close_authorized_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;

  if (!portier_authority_check_finish (PORTIER_AUTHORITY (source), result, &error))
    {
      return_error (call->invocation, error);
      return;
    }
  close_authorized (g_steal_pointer (&call));
}

static void
close_port (Call *call)
{
  g_autofree char *ports = NULL;
  gboolean asked = FALSE;

  /* Whoever opened it may close it again, without a password. */
  if (call->rule->uid == call->uid)
    {
      close_authorized (call);
      return;
    }

  g_variant_get_child (g_dbus_method_invocation_get_parameters (call->invocation), 1, "b",
                       &asked);
  ports = portier_helper_format_ports (call->rule->first, call->rule->last);
  portier_authority_check_async (call->self->authority, call->sender,
                                 PORTIER_ACTION_CLOSE_PORT, ports,
                                 portier_protocol_to_string (call->rule->protocol),
                                 allows_interaction (call->invocation, asked), NULL,
                                 close_authorized_cb, call);
}

static gboolean
handle_close_port_cb (PortierDBusHelper1    *skeleton,
                      GDBusMethodInvocation *invocation,
                      const char            *rule_id,
                      gboolean               interactive,
                      gpointer               user_data)
{
  PortierHelper *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  const PortierRule *rule;
  gboolean asked = FALSE;
  Call *call;

  if (!portier_helper_parse_close_args (g_dbus_method_invocation_get_parameters (invocation),
                                        &id, &asked, &error))
    {
      return_error (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  /* Only rules in the record: the helper never removes a rule it did not make. */
  rule = portier_rule_store_lookup (self->store, id);
  if (rule == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, PORTIER_ERROR,
                                             PORTIER_ERROR_NOT_FOUND,
                                             "Portier made no rule %s", id);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  call = call_new (self, invocation, CALL_CHANGE);
  call->rule = portier_rule_copy (rule);
  call_start (call, close_port);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ListRules: an administrator (root, or whoever may close anyone's rules without being
 * asked now) sees every rule; anyone else only their own. */

static void
list_rules_answer (Call     *call,
                   gboolean  everyone)
{
  g_autoptr(GPtrArray) rules = portier_rule_store_dup_rules (call->self->store);
  GVariantBuilder list;

  g_variant_builder_init (&list, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < rules->len; i++)
    {
      const PortierRule *rule = g_ptr_array_index (rules, i);

      if (everyone || rule->uid == call->uid)
        g_variant_builder_add_value (&list, portier_rule_to_variant (rule));
    }
  portier_dbus_helper1_complete_list_rules (call->self->skeleton, call->invocation,
                                            g_variant_builder_end (&list));
}

static void
list_authorized_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Call) call = user_data;

  list_rules_answer (call, portier_authority_check_finish (PORTIER_AUTHORITY (source), result,
                                                           NULL));
}

static void
list_rules (Call *call)
{
  g_autoptr(GPtrArray) rules = portier_rule_store_dup_rules (call->self->store);
  gboolean others = FALSE;

  for (guint i = 0; i < rules->len && !others; i++)
    others = ((const PortierRule *) g_ptr_array_index (rules, i))->uid != call->uid;

  if (call->uid == 0 || !others)
    {
      list_rules_answer (call, TRUE);
      call_free (call);
      return;
    }
  portier_authority_check_async (call->self->authority, call->sender,
                                 PORTIER_ACTION_CLOSE_PORT, "", "", FALSE, NULL,
                                 list_authorized_cb, call);
}

static gboolean
handle_list_rules_cb (PortierDBusHelper1    *skeleton,
                      GDBusMethodInvocation *invocation,
                      gpointer               user_data)
{
  call_start (call_new (user_data, invocation, CALL_READ), list_rules);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ---------------------------------------------------------------------------------- */
/* Life                                                                                */

static void
portier_helper_dispose (GObject *object)
{
  PortierHelper *self = PORTIER_HELPER (object);

  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->timer_source, g_source_remove);
  g_clear_handle_id (&self->firewalld_watch, g_bus_unwatch_name);
  g_hash_table_remove_all (self->owner_watches);
  if (self->sleep_subscription != 0)
    {
      portier_wake_unwatch (self->bus, self->sleep_subscription);
      self->sleep_subscription = 0;
    }
  if (self->reloaded_subscription != 0)
    {
      g_dbus_connection_signal_unsubscribe (self->bus, self->reloaded_subscription);
      self->reloaded_subscription = 0;
    }
  if (self->skeleton != NULL)
    g_signal_handlers_disconnect_by_data (self->skeleton, self);
  g_clear_object (&self->skeleton);
  g_clear_object (&self->authority);
  g_clear_object (&self->store);
  g_clear_object (&self->bus);

  G_OBJECT_CLASS (portier_helper_parent_class)->dispose (object);
}

static void
portier_helper_finalize (GObject *object)
{
  PortierHelper *self = PORTIER_HELPER (object);

  for (guint i = 0; i < N_CALL_KINDS; i++)
    g_hash_table_unref (self->pending[i]);
  g_hash_table_unref (self->sender_uids);
  g_hash_table_unref (self->answers);
  g_hash_table_unref (self->closing);
  g_hash_table_unref (self->owner_watches);
  g_queue_clear_full (&self->reads, g_object_unref);
  if (self->timer_fd >= 0)
    close (self->timer_fd);
  g_free (self->boot_id);
  g_free (self->firewalld_owner);

  G_OBJECT_CLASS (portier_helper_parent_class)->finalize (object);
}

static void
portier_helper_class_init (PortierHelperClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = portier_helper_dispose;
  object_class->finalize = portier_helper_finalize;

  /**
   * PortierHelper::idle:
   *
   * Nothing happened for a while and nothing needs the helper: it may exit.
   */
  signals[SIGNAL_IDLE] = g_signal_new ("idle", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
portier_helper_init (PortierHelper *self)
{
  for (guint i = 0; i < N_CALL_KINDS; i++)
    self->pending[i] = g_hash_table_new (NULL, NULL);
  self->sender_uids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) answer_free);
  self->closing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->owner_watches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               unwatch_owner);
  g_queue_init (&self->reads);

  /* End times are wall-clock times: CLOCK_REALTIME goes on while the computer sleeps. */
  self->timer_fd = portier_wall_timer_new ();
  if (self->timer_fd < 0)
    g_critical ("Cannot make a timer: %s", g_strerror (errno));
  else
    self->timer_source = g_unix_fd_add (self->timer_fd, G_IO_IN, timer_cb, self);
}

static char *
read_boot_id (void)
{
  g_autofree char *boot_id = NULL;

  if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &boot_id, NULL, NULL))
    return g_strdup ("");
  return g_strdup (g_strstrip (boot_id));
}

/**
 * portier_helper_new:
 * @state_dir: where the record of rules lives
 * @idle_seconds: how long to wait before #PortierHelper::idle; 0 for never
 */
PortierHelper *
portier_helper_new (GDBusConnection  *bus,
                    PortierAuthority *authority,
                    const char       *state_dir,
                    guint             idle_seconds)
{
  PortierHelper *self = g_object_new (PORTIER_TYPE_HELPER, NULL);

  /* Registers the error domain with its D-Bus names before any error goes out. */
  (void) portier_error_quark ();

  self->bus = g_object_ref (bus);
  self->authority = authority != NULL ? g_object_ref (authority) : NULL;
  self->store = portier_rule_store_new (state_dir);
  self->boot_id = read_boot_id ();
  self->idle_seconds = idle_seconds;

  self->skeleton = portier_dbus_helper1_skeleton_new ();
  g_signal_connect (self->skeleton, "handle-get-info", G_CALLBACK (handle_get_info_cb), self);
  g_signal_connect (self->skeleton, "handle-query-port", G_CALLBACK (handle_query_port_cb),
                    self);
  g_signal_connect (self->skeleton, "handle-open-port", G_CALLBACK (handle_open_port_cb), self);
  g_signal_connect (self->skeleton, "handle-close-port", G_CALLBACK (handle_close_port_cb),
                    self);
  g_signal_connect (self->skeleton, "handle-list-rules", G_CALLBACK (handle_list_rules_cb),
                    self);

  /* After sleep, look at the end times at once. */
  self->sleep_subscription =
    portier_wake_watch (bus, woke_cb, self);
  return self;
}

static void
reconcile_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierHelper *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  Job *job = job_finish (self, result, &error);

  if (job == NULL)
    g_warning ("Could not compare the record with the firewall: %s", error->message);
  else if (job->gone->len > 0)
    {
      for (guint i = 0; i < job->gone->len; i++)
        portier_rule_store_remove (self->store, g_ptr_array_index (job->gone, i));
      if (!portier_rule_store_save (self->store, &error))
        g_warning ("Cannot write the record of rules: %s", error->message);
    }

  update_watches (self);
  schedule_idle (self);
  g_task_return_boolean (task, TRUE);
}

/**
 * portier_helper_start_async:
 *
 * Reads the record and compares it with the firewall: rules that ended (their boot or
 * their time is over) are removed, rules that someone removed are forgotten. Export the
 * object and take the bus name only when this is done.
 */
void
portier_helper_start_async (PortierHelper       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  Job *job;

  g_task_set_source_tag (task, portier_helper_start_async);

  if (!portier_rule_store_load (self->store, &error))
    {
      if (!g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_warning ("%s", error->message);
    }

  job = job_new (self, JOB_RECONCILE);
  job->rules = portier_rule_store_dup_rules (self->store);
  job_run (self, job, reconcile_cb, g_steal_pointer (&task));
}

gboolean
portier_helper_start_finish (PortierHelper  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
portier_helper_export (PortierHelper  *self,
                       GError        **error)
{
  return g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skeleton),
                                           self->bus, HELPER_OBJECT_PATH, error);
}

void
portier_helper_unexport (PortierHelper *self)
{
  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
}
