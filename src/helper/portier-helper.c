/* portier-helper.c: the helper's D-Bus object
 *
 * Every call goes the same way: the arguments are checked (portier-helper-args.c), the
 * calls that change the firewall are put to polkit with the caller's bus name as
 * subject (portier-authority.c), and then the firewall work runs on a worker thread,
 * one job at a time, so that two callers never change the firewall at once. The record
 * of the rules the helper made (portier-rule-store.c) is only touched on the main
 * thread, when a job is done.
 *
 * The helper exits when it has been idle for a while — unless it holds rules that need
 * it: rules with a timeout (it closes them when the time is up) and firewalld runtime
 * rules (firewalld forgets them when it reloads, and the helper adds them again).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-helper"

#include "config.h"

#include <string.h>

#include "portier-authority.h"
#include "portier-backend.h"
#include "portier-backend-firewalld.h"
#include "portier-error.h"
#include "portier-helper.h"
#include "portier-helper-args.h"
#include "portier-helper1-generated.h"
#include "portier-rule-store.h"

#define MAX_PENDING_PER_SENDER 4
#define MAX_PENDING 32

struct _PortierHelper
{
  GObject             parent_instance;

  GDBusConnection    *bus;
  PortierAuthority   *authority;
  PortierDBusHelper1 *skeleton;
  PortierRuleStore   *store;
  char               *boot_id;
  guint               idle_seconds;

  GHashTable         *pending;        /* sender → count of calls in progress */
  guint               n_pending;
  GHashTable         *closing;        /* rule ids being closed */
  guint               jobs_running;

  guint               idle_source;
  guint               expiry_source;
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
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

/* One job at a time changes or reads the firewall. */
static GMutex firewall_lock;

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
      if ((other_boot && !rule->permanent) || (rule->expires != 0 && rule->expires <= now))
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

  for (guint i = 0; i < job->rules->len; i++)
    {
      const PortierRule *rule = g_ptr_array_index (job->rules, i);
      g_autoptr(GError) local_error = NULL;
      guint32 left = 0;

      if (!is_firewalld_runtime (rule))
        continue;
      if (rule->expires != 0)
        {
          if (rule->expires <= now)
            continue;
          left = (guint32) MIN (rule->expires - now, G_MAXINT32);
        }
      if (!portier_backend_firewalld_reapply (firewalld, rule, left, &local_error))
        g_warning ("Could not add rule %s again after firewalld reloaded: %s", rule->id,
                   local_error->message);
      else
        g_debug ("Added rule %s again after firewalld reloaded", rule->id);
    }
  return TRUE;
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  g_mutex_lock (&firewall_lock);
  switch (job->kind)
    {
    case JOB_INFO:
      ok = job_info (job, &error);
      break;
    case JOB_QUERY:
      ok = job_query (job, &error);
      break;
    case JOB_OPEN:
      ok = job_open (job, &error);
      break;
    case JOB_CLOSE:
      ok = job_close (job, &error);
      break;
    case JOB_RECONCILE:
      ok = job_reconcile (job, &error);
      break;
    case JOB_REAPPLY:
      ok = job_reapply (job, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  g_mutex_unlock (&firewall_lock);

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
  g_task_run_in_thread (task, job_thread);
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

      if (rule->expires != 0)
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
  if (self->n_pending > 0 || self->jobs_running > 0 || needs_to_stay (self))
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
  portier_dbus_helper1_emit_rules_changed (self->skeleton);
  update_watches (self);
  return TRUE;
}

static void
expire_close_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PortierHelper *self = PORTIER_HELPER (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = user_data;
  Job *job = job_finish (self, result, &error);

  g_hash_table_remove (self->closing, id);
  if (job == NULL)
    {
      /* try again in a minute, not in a loop */
      g_warning ("Could not close the expired rule %s: %s", id, error->message);
      self->expiry_retry_after = now_seconds () + 60;
      update_watches (self);
      return;
    }

  g_message ("Closed rule %s: its time was up", id);
  self->expiry_retry_after = 0;
  portier_rule_store_remove (self->store, id);
  save_store (self);
}

static gboolean
expiry_cb (gpointer user_data)
{
  PortierHelper *self = user_data;
  g_autoptr(GPtrArray) rules = portier_rule_store_dup_rules (self->store);
  gint64 now = now_seconds ();

  self->expiry_source = 0;
  for (guint i = 0; i < rules->len; i++)
    {
      const PortierRule *rule = g_ptr_array_index (rules, i);

      if (rule->expires == 0 || rule->expires > now ||
          g_hash_table_contains (self->closing, rule->id))
        continue;

      g_hash_table_add (self->closing, g_strdup (rule->id));
      job_run_close (self, rule, expire_close_cb, g_strdup (rule->id));
    }

  update_watches (self);
  return G_SOURCE_REMOVE;
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
reapply (PortierHelper *self)
{
  Job *job = job_new (self, JOB_REAPPLY);

  job->rules = portier_rule_store_dup_rules (self->store);
  job_run (self, job, log_job_cb, NULL);
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

  g_clear_handle_id (&self->expiry_source, g_source_remove);
  if (next_expiry != 0)
    {
      gint64 wait = MAX (next_expiry, self->expiry_retry_after) - now_seconds ();

      self->expiry_source = g_timeout_add_seconds ((guint) CLAMP (wait, 0, G_MAXINT32),
                                                   expiry_cb, self);
    }
}

/* ---------------------------------------------------------------------------------- */
/* Calls                                                                               */

typedef struct
{
  PortierHelper         *self;
  GDBusMethodInvocation *invocation;
  char                  *sender;
  PortierOpenRequest     open;
  PortierRule           *rule;        /* close: a copy of the rule */
  guint32                uid;
} Call;

static Call *
call_new (PortierHelper         *self,
          GDBusMethodInvocation *invocation)
{
  Call *call = g_new0 (Call, 1);
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  guint count;

  call->self = g_object_ref (self);
  call->invocation = g_object_ref (invocation);
  call->sender = g_strdup (sender != NULL ? sender : "");

  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->pending, call->sender));
  g_hash_table_replace (self->pending, g_strdup (call->sender), GUINT_TO_POINTER (count + 1));
  self->n_pending++;
  g_clear_handle_id (&self->idle_source, g_source_remove);
  return call;
}

static void
call_free (Call *call)
{
  PortierHelper *self = call->self;
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->pending, call->sender));

  if (count <= 1)
    g_hash_table_remove (self->pending, call->sender);
  else
    g_hash_table_replace (self->pending, g_strdup (call->sender), GUINT_TO_POINTER (count - 1));
  self->n_pending--;
  if (self->n_pending == 0)
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
       error->code == PORTIER_ERROR_FIREWALL_UNAVAILABLE))
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

/* Refuses a caller that already has too many calls in progress. */
static gboolean
admit (PortierHelper         *self,
       GDBusMethodInvocation *invocation)
{
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->pending,
                                                       sender != NULL ? sender : ""));

  if (count >= MAX_PENDING_PER_SENDER || self->n_pending >= MAX_PENDING)
    {
      g_dbus_method_invocation_return_error_literal (invocation, PORTIER_ERROR,
                                                     PORTIER_ERROR_FAILED,
                                                     "Too many calls at once; try again");
      return FALSE;
    }
  return TRUE;
}

static gboolean
allows_interaction (GDBusMethodInvocation *invocation,
                    gboolean               asked)
{
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);

  return asked && (g_dbus_message_get_flags (message) &
                   G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION) != 0;
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
  /* complete_*() and return_*() consume the reference GDBus handed to the handler;
   * the Call keeps its own until call_free(). */
  portier_dbus_helper1_complete_get_info (call->self->skeleton, call->invocation,
                                          g_variant_builder_end (&info));
}

static gboolean
handle_get_info_cb (PortierDBusHelper1    *skeleton,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  PortierHelper *self = user_data;

  if (!admit (self, invocation))
    return G_DBUS_METHOD_INVOCATION_HANDLED;

  job_run (self, job_new (self, JOB_INFO), info_cb, call_new (self, invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* QueryPort */

static const PortierRule *
find_covering_rule (PortierHelper         *self,
                    const PortierPortSpec *spec,
                    GPtrArray             *rules)
{
  for (guint i = 0; i < rules->len; i++)
    {
      const PortierRule *rule = g_ptr_array_index (rules, i);

      if (rule->protocol == spec->protocol && rule->first <= spec->first &&
          rule->last >= spec->last)
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

  rules = portier_rule_store_dup_rules (call->self->store);
  ours = find_covering_rule (call->self, &job->spec, rules);

  g_variant_builder_init (&answer, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&answer, "{sv}", "backend", g_variant_new_string (job->backend_name));
  g_variant_builder_add (&answer, "{sv}", "status",
                         g_variant_new_string (portier_port_status_to_string (job->port_status)));
  g_variant_builder_add (&answer, "{sv}", "zone",
                         g_variant_new_string (job->result_zone != NULL ? job->result_zone : ""));
  g_variant_builder_add (&answer, "{sv}", "panic-mode", g_variant_new_boolean (job->panic));
  if (ours != NULL)
    g_variant_builder_add (&answer, "{sv}", "rule-id", g_variant_new_string (ours->id));
  portier_dbus_helper1_complete_query_port (call->self->skeleton, call->invocation,
                                            g_variant_builder_end (&answer));
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
  Job *job;

  if (!portier_helper_parse_query_args (g_dbus_method_invocation_get_parameters (invocation),
                                        &spec, &error))
    {
      return_error (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (!admit (self, invocation))
    return G_DBUS_METHOD_INVOCATION_HANDLED;

  job = job_new (self, JOB_QUERY);
  job->spec = spec;
  job->zone = g_strdup ("");
  job_run (self, job, query_cb, call_new (self, invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* OpenPort: check → polkit → who is it → firewall → record */

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
      portier_rule_store_add (self->store, portier_rule_copy (job->rule));
      if (!save_store (self))
        {
          /* A rule the record does not hold could never be removed by the helper:
           * take it back. */
          portier_rule_store_remove (self->store, job->rule->id);
          job_run_close (self, job->rule, log_job_cb, NULL);
          g_dbus_method_invocation_return_error_literal (call->invocation, PORTIER_ERROR,
                                                         PORTIER_ERROR_FAILED,
                                                         "The helper could not write its record");
          return;
        }
      rule_id = job->rule->id;
      g_message ("Opened %u-%u/%s as rule %s (%s%s%s) for uid %u", job->rule->first,
                 job->rule->last, portier_protocol_to_string (job->rule->protocol), rule_id,
                 job->backend_name, job->rule->zone[0] != '\0' ? ", zone " : "",
                 job->rule->zone, job->rule->uid);
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
open_uid_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  PortierHelper *self = call->self;
  PortierRule *rule;
  Job *job;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_warning ("Cannot tell who %s is: %s", call->sender, error->message);
      g_dbus_method_invocation_return_error_literal (call->invocation, PORTIER_ERROR,
                                                     PORTIER_ERROR_NOT_AUTHORIZED,
                                                     "The caller went away");
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
  g_variant_get (reply, "(u)", &rule->uid);
  g_free (rule->boot_id);
  rule->boot_id = g_strdup (self->boot_id);

  job = job_new (self, JOB_OPEN);
  job->rule = rule;
  job_run (self, job, open_done_cb, g_steal_pointer (&call));
}

static void
open_authorized_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus;
  GVariant *sender;

  if (!portier_authority_check_finish (PORTIER_AUTHORITY (source), result, &error))
    {
      return_error (call->invocation, error);
      return;
    }

  bus = call->self->bus;
  sender = g_variant_new ("(s)", call->sender);
  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionUnixUser", sender,
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          open_uid_cb, g_steal_pointer (&call));
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
  g_autofree char *ports = NULL;
  PortierOpenRequest request;
  Call *call;

  if (!portier_helper_parse_open_args (g_dbus_method_invocation_get_parameters (invocation),
                                       &request, &error))
    {
      return_error (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (!admit (self, invocation))
    {
      portier_open_request_clear (&request);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  call = call_new (self, invocation);
  call->open = request;
  ports = portier_helper_format_ports (request.first, request.last);
  portier_authority_check_async (self->authority, call->sender, PORTIER_ACTION_OPEN_PORT,
                                 ports, portier_protocol_to_string (request.protocol),
                                 allows_interaction (invocation, request.interactive), NULL,
                                 open_authorized_cb, call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ClosePort: check → known rule → polkit → firewall → record */

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
  g_message ("Closed rule %s (%u-%u/%s)", call->rule->id, call->rule->first, call->rule->last,
             portier_protocol_to_string (call->rule->protocol));
  portier_dbus_helper1_complete_close_port (self->skeleton, call->invocation);
}

static void
close_authorized_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  PortierHelper *self = call->self;
  const PortierRule *rule = call->rule;

  if (!portier_authority_check_finish (PORTIER_AUTHORITY (source), result, &error))
    {
      return_error (call->invocation, error);
      return;
    }

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
  job_run_close (self, rule, close_done_cb, g_steal_pointer (&call));
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
  g_autofree char *ports = NULL;
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
  if (!admit (self, invocation))
    return G_DBUS_METHOD_INVOCATION_HANDLED;

  call = call_new (self, invocation);
  call->rule = portier_rule_copy (rule);
  ports = portier_helper_format_ports (rule->first, rule->last);
  portier_authority_check_async (self->authority, call->sender, PORTIER_ACTION_CLOSE_PORT,
                                 ports, portier_protocol_to_string (rule->protocol),
                                 allows_interaction (invocation, asked), NULL,
                                 close_authorized_cb, call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ListRules */

static gboolean
handle_list_rules_cb (PortierDBusHelper1    *skeleton,
                      GDBusMethodInvocation *invocation,
                      gpointer               user_data)
{
  PortierHelper *self = user_data;
  g_autoptr(GPtrArray) rules = portier_rule_store_dup_rules (self->store);
  GVariantBuilder list;

  g_variant_builder_init (&list, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < rules->len; i++)
    g_variant_builder_add_value (&list, portier_rule_to_variant (g_ptr_array_index (rules, i)));

  portier_dbus_helper1_complete_list_rules (skeleton, invocation,
                                            g_variant_builder_end (&list));
  schedule_idle (self);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ---------------------------------------------------------------------------------- */
/* Life                                                                                */

static void
portier_helper_dispose (GObject *object)
{
  PortierHelper *self = PORTIER_HELPER (object);

  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->expiry_source, g_source_remove);
  g_clear_handle_id (&self->firewalld_watch, g_bus_unwatch_name);
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

  g_hash_table_unref (self->pending);
  g_hash_table_unref (self->closing);
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
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->closing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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
  self->authority = g_object_ref (authority);
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
