/* portier-authority.c: ask polkit whether a caller may change the firewall
 *
 * The subject is the caller's unique name on the system bus — polkit asks the bus who is
 * behind it, so a caller cannot pass for another process the way a process id could be
 * reused. Anything but a clear "yes" from polkit is a "no": an error talking to polkit,
 * a challenge the caller did not allow to be shown, a dismissed password dialog.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-helper"

#include "config.h"

#include <polkit/polkit.h>

#include "portier-authority.h"
#include "portier-error.h"

struct _PortierAuthority
{
  GObject          parent_instance;

  PolkitAuthority *authority;
};

G_DEFINE_FINAL_TYPE (PortierAuthority, portier_authority, G_TYPE_OBJECT)

static void
portier_authority_finalize (GObject *object)
{
  PortierAuthority *self = PORTIER_AUTHORITY (object);

  g_clear_object (&self->authority);
  G_OBJECT_CLASS (portier_authority_parent_class)->finalize (object);
}

static void
portier_authority_class_init (PortierAuthorityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_authority_finalize;
}

static void
portier_authority_init (PortierAuthority *self)
{
}

static void
authority_get_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  PolkitAuthority *authority = polkit_authority_get_finish (result, &error);
  PortierAuthority *self;

  if (authority == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self = g_object_new (PORTIER_TYPE_AUTHORITY, NULL);
  self->authority = authority;
  g_task_return_pointer (task, self, g_object_unref);
}

void
portier_authority_new_async (GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, portier_authority_new_async);
  polkit_authority_get_async (cancellable, authority_get_cb, g_steal_pointer (&task));
}

PortierAuthority *
portier_authority_new_finish (GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
check_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PolkitAuthorizationResult) auth = NULL;
  const char *action_id = g_task_get_task_data (task);

  auth = polkit_authority_check_authorization_finish (POLKIT_AUTHORITY (source), result,
                                                      &error);
  if (auth == NULL)
    {
      /* Any failure to get an answer is a denial. */
      g_warning ("polkit could not check %s: %s", action_id, error->message);
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_AUTHORIZED,
                               "Could not check authorization for %s", action_id);
      return;
    }

  if (polkit_authorization_result_get_is_authorized (auth))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (polkit_authorization_result_get_dismissed (auth))
    g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_AUTHORIZATION_DISMISSED,
                             "The authorization request for %s was dismissed", action_id);
  else if (polkit_authorization_result_get_is_challenge (auth))
    g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_AUTHORIZED,
                             "%s needs authentication, which was not given (no "
                             "interaction allowed, or no agent to ask)", action_id);
  else
    g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_AUTHORIZED,
                             "Not authorized for %s", action_id);
}

/**
 * portier_authority_check_async:
 * @sender: the caller's unique bus name
 * @port: the ports as people write them ("8080", "8000-8010"), for the message
 * @interactive: whether polkit may ask for a password; only honour it when the
 *   caller both asked for it and set ALLOW_INTERACTIVE_AUTHORIZATION on the message
 */
void
portier_authority_check_async (PortierAuthority    *self,
                               const char          *sender,
                               const char          *action_id,
                               const char          *port,
                               const char          *protocol,
                               gboolean             interactive,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(PolkitSubject) subject = polkit_system_bus_name_new (sender);
  g_autoptr(PolkitDetails) details = polkit_details_new ();
  PolkitCheckAuthorizationFlags flags = POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE;

  g_task_set_source_tag (task, portier_authority_check_async);
  g_task_set_task_data (task, g_strdup (action_id), g_free);

  polkit_details_insert (details, "port", port);
  polkit_details_insert (details, "protocol", protocol);
  if (interactive)
    flags |= POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION;

  polkit_authority_check_authorization (self->authority, subject, action_id, details, flags,
                                        cancellable, check_cb, g_steal_pointer (&task));
}

gboolean
portier_authority_check_finish (PortierAuthority  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
