/* portier-ledger.c: what Portier opened, so that it can always be closed again
 *
 * One JSON file in $XDG_STATE_HOME/portier/ (PORTIER_STATE_DIR overrides it). Every change
 * is a read-modify-write under an exclusive lock on a lock file beside it, written to a
 * temporary file, synced and renamed over the old one: a crash leaves the old ledger or
 * the new one, never half of one, and two Portier processes never lose each other's
 * entries. The file is small (one entry per opening); reading and writing it is quick.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-ledger"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "portier-error.h"
#include "portier-json.h"
#include "portier-ledger.h"

#define LEDGER_FILE "openings.json"
#define LOCK_FILE "openings.lock"
#define LEDGER_VERSION 1
/* Far above what PORTIER_LEDGER_MAX_OPENINGS entries take: a larger file is not ours. */
#define MAX_LEDGER_SIZE (64 * 1024 * 1024)

G_DEFINE_BOXED_TYPE (PortierOpening, portier_opening, portier_opening_copy, portier_opening_free)

static void
rule_free (PortierLedgerRule *rule)
{
  g_free (rule->rule_id);
  g_free (rule->backend);
  g_free (rule->zone);
  g_free (rule);
}

static void
mapping_free (PortierLedgerMapping *mapping)
{
  g_free (mapping->method);
  g_free (mapping->protocol);
  g_free (mapping->internal_client);
  g_free (mapping->kept_by);
  g_free (mapping);
}

static void
pinhole_free (PortierLedgerPinhole *pinhole)
{
  g_free (pinhole->unique_id);
  g_free (pinhole->protocol);
  g_free (pinhole->internal_client);
  g_free (pinhole);
}

/* From the kernel's random source, not GRand: GRand's state is shared by processes
 * forked from one parent, and two openings must never get one id. */
static char *
new_id (void)
{
  guint64 value = 0;

  if (getrandom (&value, sizeof value, 0) != sizeof value)
    value = ((guint64) g_random_int () << 32) ^ (guint64) g_get_real_time () ^ (guint64) getpid ();
  return g_strdup_printf ("%012" G_GINT64_MODIFIER "x", value & G_GUINT64_CONSTANT (0xffffffffffff));
}

PortierOpening *
portier_opening_new (const PortierPortSpec *spec,
                     PortierDuration        duration)
{
  PortierOpening *self = g_new0 (PortierOpening, 1);

  self->id = new_id ();
  self->spec = *spec;
  self->duration = duration;
  self->state = PORTIER_OPENING_STATE_OPENING;
  self->created = g_get_real_time () / G_USEC_PER_SEC;
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  self->mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) mapping_free);
  self->pinholes = g_ptr_array_new_with_free_func ((GDestroyNotify) pinhole_free);
  return self;
}

void
portier_opening_add_pinhole (PortierOpening *self,
                             const char     *unique_id,
                             const char     *protocol,
                             guint16         port,
                             const char     *internal_client,
                             guint           lease)
{
  PortierLedgerPinhole *pinhole = g_new0 (PortierLedgerPinhole, 1);

  pinhole->unique_id = g_strdup (unique_id);
  pinhole->protocol = g_strdup (protocol);
  pinhole->port = port;
  pinhole->internal_client = g_strdup (internal_client);
  pinhole->lease = lease;
  g_ptr_array_add (self->pinholes, pinhole);
}

void
portier_opening_add_rule (PortierOpening *self,
                          const char     *rule_id,
                          const char     *backend,
                          const char     *zone)
{
  PortierLedgerRule *rule = g_new0 (PortierLedgerRule, 1);

  rule->rule_id = g_strdup (rule_id);
  rule->backend = g_strdup (backend);
  rule->zone = g_strdup (zone);
  g_ptr_array_add (self->rules, rule);
}

/**
 * portier_opening_add_mapping:
 *
 * Returns: (transfer none): the new record, to set kept_by on
 */
PortierLedgerMapping *
portier_opening_add_mapping (PortierOpening *self,
                             const char     *method,
                             const char     *protocol,
                             guint16         external_port,
                             guint16         internal_port,
                             const char     *internal_client,
                             guint           lease,
                             gint64          renewed_at)
{
  PortierLedgerMapping *mapping = g_new0 (PortierLedgerMapping, 1);

  mapping->method = g_strdup (method);
  mapping->protocol = g_strdup (protocol);
  mapping->external_port = external_port;
  mapping->internal_port = internal_port;
  mapping->internal_client = g_strdup (internal_client);
  mapping->lease = lease;
  mapping->renewed_at = renewed_at;
  g_ptr_array_add (self->mappings, mapping);
  return mapping;
}

/**
 * portier_opening_has_forwards:
 *
 * Returns: whether the opening holds router forwards or pinholes Portier made (and so
 *   must remove); forwards another program keeps do not count
 */
gboolean
portier_opening_has_forwards (const PortierOpening *self)
{
  for (guint i = 0; i < self->mappings->len; i++)
    if (((const PortierLedgerMapping *) g_ptr_array_index (self->mappings, i))->kept_by == NULL)
      return TRUE;
  return self->pinholes->len > 0;
}

PortierOpening *
portier_opening_copy (const PortierOpening *self)
{
  PortierOpening *copy = g_memdup2 (self, sizeof *self);

  copy->id = g_strdup (self->id);
  copy->app_id = g_strdup (self->app_id);
  copy->label = g_strdup (self->label);
  copy->external_address = g_strdup (self->external_address);
  copy->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  copy->mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) mapping_free);
  copy->pinholes = g_ptr_array_new_with_free_func ((GDestroyNotify) pinhole_free);
  for (guint i = 0; i < self->pinholes->len; i++)
    {
      const PortierLedgerPinhole *p = g_ptr_array_index (self->pinholes, i);
      portier_opening_add_pinhole (copy, p->unique_id, p->protocol, p->port,
                                   p->internal_client, p->lease);
    }
  for (guint i = 0; i < self->rules->len; i++)
    {
      const PortierLedgerRule *r = g_ptr_array_index (self->rules, i);
      portier_opening_add_rule (copy, r->rule_id, r->backend, r->zone);
    }
  for (guint i = 0; i < self->mappings->len; i++)
    {
      const PortierLedgerMapping *m = g_ptr_array_index (self->mappings, i);
      portier_opening_add_mapping (copy, m->method, m->protocol, m->external_port,
                                   m->internal_port, m->internal_client, m->lease,
                                   m->renewed_at)->kept_by = g_strdup (m->kept_by);
    }
  return copy;
}

void
portier_opening_free (PortierOpening *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->app_id);
  g_free (self->label);
  g_free (self->external_address);
  g_ptr_array_unref (self->rules);
  g_ptr_array_unref (self->mappings);
  g_ptr_array_unref (self->pinholes);
  g_free (self);
}

const char *
portier_opening_state_to_string (PortierOpeningState state)
{
  switch (state)
    {
    case PORTIER_OPENING_STATE_OPENING:
      return "opening";
    case PORTIER_OPENING_STATE_CLOSING:
      return "closing";
    case PORTIER_OPENING_STATE_OPEN:
    default:
      return "open";
    }
}

const char *
portier_duration_to_string (PortierDuration duration)
{
  switch (duration)
    {
    case PORTIER_DURATION_WHILE_RUNNING:
      return "while-running";
    case PORTIER_DURATION_UNTIL:
      return "until";
    case PORTIER_DURATION_UNTIL_CLOSED:
    default:
      return "until-closed";
    }
}

gboolean
portier_duration_from_string (const char      *text,
                              PortierDuration *duration)
{
  static const char * const names[] = { "while-running", "until", "until-closed" };

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (text, names[i]))
      {
        *duration = (PortierDuration) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * portier_process_start_time:
 *
 * The start time of @pid (field 22 of /proc/<pid>/stat), or 0 when the process does not
 * exist. A pid and its start time name one process, even after the pid is reused.
 */
guint64
portier_process_start_time (const char *proc_root,
                            int         pid)
{
  g_autofree char *name = g_strdup_printf ("%d", pid);
  g_autofree char *path = g_build_filename (proc_root, name, "stat", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_comm;
  guint64 start;

  if (pid <= 0 || !g_file_get_contents (path, &contents, NULL, NULL))
    return 0;

  /* The command name is in parentheses and may hold spaces: count after the last ')'. */
  after_comm = strrchr (contents, ')');
  if (after_comm == NULL)
    return 0;
  fields = g_strsplit (after_comm + 2, " ", -1);
  /* after_comm + 2 is field 3 (state); starttime is field 22, index 19 here. */
  if (g_strv_length (fields) < 20 ||
      !g_ascii_string_to_unsigned (fields[19], 10, 0, G_MAXUINT64, &start, NULL))
    return 0;
  return start;
}

/* Whether the process that owns @self is gone (its pid now names another one, or none). */
static gboolean
owner_is_gone (const PortierOpening *self,
               const char           *proc_root)
{
  return self->owner_pid <= 0 ||
         portier_process_start_time (proc_root, self->owner_pid) != self->owner_start;
}

/**
 * portier_opening_is_stale:
 *
 * Stale openings must be cleaned up: a transaction that never finished (the program
 * crashed), a time that has passed, or a "while running" opening whose program is gone.
 */
gboolean
portier_opening_is_stale (const PortierOpening *self,
                          gint64                now,
                          const char           *proc_root)
{
  /* Under way in a live process is not stale; under way in a dead one is. */
  if (self->state != PORTIER_OPENING_STATE_OPEN)
    return owner_is_gone (self, proc_root);

  switch (self->duration)
    {
    case PORTIER_DURATION_UNTIL:
      return now >= self->expires;
    case PORTIER_DURATION_WHILE_RUNNING:
      return owner_is_gone (self, proc_root);
    case PORTIER_DURATION_UNTIL_CLOSED:
    default:
      return FALSE;
    }
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
portier_opening_serialize (const PortierOpening *self,
                           JsonBuilder          *builder)
{
  g_autofree char *spec = portier_port_spec_to_string (&self->spec);

  json_builder_begin_object (builder);
  portier_json_add_string (builder, "id", self->id);
  portier_json_add_string (builder, "spec", spec);
  portier_json_add_string (builder, "app", self->app_id);
  portier_json_add_string (builder, "label", self->label);
  portier_json_add_string (builder, "state", portier_opening_state_to_string (self->state));
  portier_json_add_string (builder, "duration", portier_duration_to_string (self->duration));
  add_int (builder, "created", self->created);
  add_int (builder, "expires", self->expires);
  add_int (builder, "owner_pid", self->owner_pid);
  add_int (builder, "owner_start", (gint64) self->owner_start);
  portier_json_add_string (builder, "external_address", self->external_address);

  json_builder_set_member_name (builder, "firewall_rules");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->rules->len; i++)
    {
      const PortierLedgerRule *rule = g_ptr_array_index (self->rules, i);

      json_builder_begin_object (builder);
      portier_json_add_string (builder, "rule_id", rule->rule_id);
      portier_json_add_string (builder, "backend", rule->backend);
      portier_json_add_string (builder, "zone", rule->zone);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "router_mappings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->mappings->len; i++)
    {
      const PortierLedgerMapping *mapping = g_ptr_array_index (self->mappings, i);

      json_builder_begin_object (builder);
      portier_json_add_string (builder, "method", mapping->method);
      portier_json_add_string (builder, "protocol", mapping->protocol);
      add_int (builder, "external_port", mapping->external_port);
      add_int (builder, "internal_port", mapping->internal_port);
      portier_json_add_string (builder, "internal_client", mapping->internal_client);
      add_int (builder, "lease", mapping->lease);
      add_int (builder, "renewed_at", mapping->renewed_at);
      if (mapping->kept_by != NULL)
        portier_json_add_string (builder, "kept_by", mapping->kept_by);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "pinholes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->pinholes->len; i++)
    {
      const PortierLedgerPinhole *pinhole = g_ptr_array_index (self->pinholes, i);

      json_builder_begin_object (builder);
      portier_json_add_string (builder, "unique_id", pinhole->unique_id);
      portier_json_add_string (builder, "protocol", pinhole->protocol);
      add_int (builder, "port", pinhole->port);
      portier_json_add_string (builder, "internal_client", pinhole->internal_client);
      add_int (builder, "lease", pinhole->lease);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static gboolean
get_int (JsonObject *object,
         const char *name,
         gint64      min,
         gint64      max,
         gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return *value >= min && *value <= max;
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

#define CORRUPT(error, what) \
  (g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT, "bad entry: %s", what), NULL)

/**
 * portier_opening_deserialize:
 *
 * Reads one entry, checking every field: the ledger decides what gets closed, so a
 * damaged entry is refused, never guessed at.
 */
PortierOpening *
portier_opening_deserialize (JsonNode  *node,
                             GError   **error)
{
  g_autoptr(PortierOpening) self = NULL;
  g_autoptr(PortierPortSpec) spec = NULL;
  JsonObject *object;
  JsonArray *rules, *mappings, *pinholes;
  const char *id, *spec_text, *state, *duration;
  gint64 created, expires, owner_pid, owner_start;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return CORRUPT (error, "not an object");
  object = json_node_get_object (node);

  if ((id = portier_json_get_string (object, "id")) == NULL || strlen (id) == 0 || strlen (id) > 64)
    return CORRUPT (error, "id");
  if ((spec_text = portier_json_get_string (object, "spec")) == NULL ||
      (spec = portier_port_spec_parse (spec_text, NULL)) == NULL)
    return CORRUPT (error, "spec");
  if ((state = portier_json_get_string (object, "state")) == NULL ||
      (duration = portier_json_get_string (object, "duration")) == NULL)
    return CORRUPT (error, "state");
  if (!get_int (object, "created", 0, G_MAXINT64, &created) ||
      !get_int (object, "expires", 0, G_MAXINT64, &expires) ||
      !get_int (object, "owner_pid", 0, G_MAXINT, &owner_pid) ||
      !get_int (object, "owner_start", 0, G_MAXINT64, &owner_start))
    return CORRUPT (error, "times");
  if ((rules = get_array (object, "firewall_rules")) == NULL ||
      (mappings = get_array (object, "router_mappings")) == NULL)
    return CORRUPT (error, "parts");

  self = portier_opening_new (spec, PORTIER_DURATION_UNTIL_CLOSED);
  g_free (self->id);
  self->id = g_strdup (id);
  self->app_id = g_strdup (portier_json_get_string (object, "app"));
  self->label = g_strdup (portier_json_get_string (object, "label"));
  self->external_address = g_strdup (portier_json_get_string (object, "external_address"));
  self->created = created;
  self->expires = expires;
  self->owner_pid = (int) owner_pid;
  self->owner_start = (guint64) owner_start;

  if (g_str_equal (state, "opening"))
    self->state = PORTIER_OPENING_STATE_OPENING;
  else if (g_str_equal (state, "open"))
    self->state = PORTIER_OPENING_STATE_OPEN;
  else if (g_str_equal (state, "closing"))
    self->state = PORTIER_OPENING_STATE_CLOSING;
  else
    return CORRUPT (error, "state");
  if (!portier_duration_from_string (duration, &self->duration))
    return CORRUPT (error, "duration");

  for (guint i = 0; i < json_array_get_length (rules); i++)
    {
      JsonNode *element = json_array_get_element (rules, i);
      JsonObject *rule;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return CORRUPT (error, "firewall rule");
      rule = json_node_get_object (element);
      if (portier_json_get_string (rule, "rule_id") == NULL)
        return CORRUPT (error, "firewall rule");
      portier_opening_add_rule (self, portier_json_get_string (rule, "rule_id"),
                                portier_json_get_string (rule, "backend"),
                                portier_json_get_string (rule, "zone"));
    }

  for (guint i = 0; i < json_array_get_length (mappings); i++)
    {
      JsonNode *element = json_array_get_element (mappings, i);
      JsonObject *mapping;
      gint64 external_port, internal_port, lease, renewed_at;
      const char *protocol;
      JsonNode *kept_by;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return CORRUPT (error, "router mapping");
      mapping = json_node_get_object (element);
      protocol = portier_json_get_string (mapping, "protocol");
      if (portier_json_get_string (mapping, "method") == NULL ||
          (g_strcmp0 (protocol, "tcp") != 0 && g_strcmp0 (protocol, "udp") != 0) ||
          !get_int (mapping, "external_port", 1, G_MAXUINT16, &external_port) ||
          !get_int (mapping, "internal_port", 1, G_MAXUINT16, &internal_port) ||
          !get_int (mapping, "lease", 0, G_MAXUINT32, &lease) ||
          !get_int (mapping, "renewed_at", 0, G_MAXINT64, &renewed_at) ||
          portier_json_get_string (mapping, "internal_client") == NULL)
        return CORRUPT (error, "router mapping");
      /* Absent: Portier's own (entries written before forwards could be found). */
      kept_by = json_object_get_member (mapping, "kept_by");
      if (kept_by != NULL && portier_json_get_string (mapping, "kept_by") == NULL)
        return CORRUPT (error, "router mapping");
      portier_opening_add_mapping (self, portier_json_get_string (mapping, "method"), protocol,
                                   (guint16) external_port, (guint16) internal_port,
                                   portier_json_get_string (mapping, "internal_client"),
                                   (guint) lease, renewed_at)->kept_by =
        g_strdup (portier_json_get_string (mapping, "kept_by"));
    }

  for (guint i = 0; (pinholes = get_array (object, "pinholes")) != NULL &&
                   i < json_array_get_length (pinholes); i++)
    {
      JsonNode *element = json_array_get_element (pinholes, i);
      JsonObject *pinhole;
      gint64 port, lease;
      const char *protocol;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return CORRUPT (error, "pinhole");
      pinhole = json_node_get_object (element);
      protocol = portier_json_get_string (pinhole, "protocol");
      if (portier_json_get_string (pinhole, "unique_id") == NULL ||
          (g_strcmp0 (protocol, "tcp") != 0 && g_strcmp0 (protocol, "udp") != 0) ||
          !get_int (pinhole, "port", 1, G_MAXUINT16, &port) ||
          !get_int (pinhole, "lease", 0, G_MAXUINT32, &lease))
        return CORRUPT (error, "pinhole");
      portier_opening_add_pinhole (self, portier_json_get_string (pinhole, "unique_id"),
                                   protocol, (guint16) port,
                                   portier_json_get_string (pinhole, "internal_client"),
                                   (guint) lease);
    }

  return g_steal_pointer (&self);
}

struct _PortierLedger
{
  GObject    parent_instance;

  char      *directory;
  char      *path;
  char      *lock_path;
  GPtrArray *openings;   /* of PortierOpening */
};

G_DEFINE_FINAL_TYPE (PortierLedger, portier_ledger, G_TYPE_OBJECT)

static void
portier_ledger_finalize (GObject *object)
{
  PortierLedger *self = PORTIER_LEDGER (object);

  g_free (self->directory);
  g_free (self->path);
  g_free (self->lock_path);
  g_ptr_array_unref (self->openings);

  G_OBJECT_CLASS (portier_ledger_parent_class)->finalize (object);
}

static void
portier_ledger_class_init (PortierLedgerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_ledger_finalize;
}

static void
portier_ledger_init (PortierLedger *self)
{
  self->openings = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_opening_free);
}

/**
 * portier_ledger_new:
 * @directory: where the ledger lives
 */
PortierLedger *
portier_ledger_new (const char *directory)
{
  PortierLedger *self = g_object_new (PORTIER_TYPE_LEDGER, NULL);

  self->directory = g_strdup (directory);
  self->path = g_build_filename (directory, LEDGER_FILE, NULL);
  self->lock_path = g_build_filename (directory, LOCK_FILE, NULL);
  return self;
}

/**
 * portier_ledger_new_default:
 *
 * The ledger in $XDG_STATE_HOME/portier, or in $PORTIER_STATE_DIR when that is set.
 */
PortierLedger *
portier_ledger_new_default (void)
{
  const char *dir = g_getenv ("PORTIER_STATE_DIR");
  g_autofree char *state_dir = NULL;

  if (dir == NULL || dir[0] == '\0')
    dir = state_dir = g_build_filename (g_get_user_state_dir (), "portier", NULL);
  return portier_ledger_new (dir);
}

const char *
portier_ledger_get_path (PortierLedger *self)
{
  g_return_val_if_fail (PORTIER_IS_LEDGER (self), NULL);
  return self->path;
}

static int
lock_ledger (PortierLedger  *self,
             GError        **error)
{
  int fd;

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create %s: %s", self->directory, g_strerror (saved));
      return -1;
    }

  fd = g_open (self->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || flock (fd, LOCK_EX) != 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot lock %s: %s", self->lock_path, g_strerror (saved));
      return -1;
    }
  return fd;
}

static void
unlock_ledger (int fd)
{
  if (fd >= 0)
    {
      flock (fd, LOCK_UN);
      close (fd);
    }
}

static gboolean write_file (PortierLedger *self, GError **error);

/* Reads the file into self->openings. Of a damaged file, a copy is kept (never deleted: a
 * person may want to look at it) and the ledger starts empty, with an error saying so. */
static gboolean
read_file (PortierLedger  *self,
           GError        **error)
{
  g_autoptr(GPtrArray) openings = g_ptr_array_new_with_free_func (
    (GDestroyNotify) portier_opening_free);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  JsonNode *root;
  JsonArray *array = NULL;
  guint damaged = 0;

  if (!g_file_get_contents (self->path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_ptr_array_set_size (self->openings, 0);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (length <= MAX_LEDGER_SIZE &&
      json_parser_load_from_data (parser, contents, (gssize) length, &local_error) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    array = get_array (json_node_get_object (root), "openings");

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autoptr(GError) entry_error = NULL;
      PortierOpening *opening = portier_opening_deserialize (json_array_get_element (array, i),
                                                             &entry_error);
      /* One damaged entry costs that entry, never the others. */
      if (opening == NULL)
        {
          g_debug ("%s: entry %u: %s", self->path, i, entry_error->message);
          damaged++;
          continue;
        }
      g_ptr_array_add (openings, opening);
    }

  if (array == NULL || damaged > 0)
    {
      g_autofree char *aside = g_strdup_printf ("%s.damaged-%" G_GINT64_FORMAT, self->path,
                                                g_get_real_time () / G_USEC_PER_SEC);

      g_debug ("%s is damaged (%s); a copy is kept as %s", self->path,
               local_error != NULL ? local_error->message : "unexpected content", aside);
      g_file_set_contents_full (aside, contents, (gssize) length,
                                G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL);
      g_ptr_array_unref (self->openings);
      self->openings = g_steal_pointer (&openings);
      /* Keep what was good, so the damage is reported once, not at every reading. */
      write_file (self, NULL);
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "the ledger was damaged; a copy is kept as %s", aside);
      return FALSE;
    }

  g_ptr_array_unref (self->openings);
  self->openings = g_steal_pointer (&openings);
  return TRUE;
}

static gboolean
write_file (PortierLedger  *self,
            GError        **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  add_int (builder, "version", LEDGER_VERSION);
  json_builder_set_member_name (builder, "openings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->openings->len; i++)
    portier_opening_serialize (g_ptr_array_index (self->openings, i), builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);

  return g_file_set_contents_full (self->path, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT |
                                   G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                   0600, error);
}

/**
 * portier_ledger_load:
 *
 * Reads the ledger. On %PORTIER_ERROR_STATE_CORRUPT the ledger is usable (and empty).
 */
gboolean
portier_ledger_load (PortierLedger  *self,
                     GError        **error)
{
  int fd;
  gboolean ok;

  g_return_val_if_fail (PORTIER_IS_LEDGER (self), FALSE);

  if ((fd = lock_ledger (self, error)) < 0)
    return FALSE;
  ok = read_file (self, error);
  unlock_ledger (fd);
  return ok;
}

typedef gboolean (*Mutation) (PortierLedger *self, gconstpointer data, GError **error);

static gboolean
mutate (PortierLedger  *self,
        Mutation        mutation,
        gconstpointer   data,
        GError        **error)
{
  g_autoptr(GError) read_error = NULL;
  int fd;
  gboolean ok;

  if ((fd = lock_ledger (self, error)) < 0)
    return FALSE;

  /* Whatever another process wrote since we last read counts. A damaged file was set
   * aside by read_file(): go on with the empty ledger rather than lose this change. */
  if (!read_file (self, &read_error) &&
      !g_error_matches (read_error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT))
    {
      unlock_ledger (fd);
      g_propagate_error (error, g_steal_pointer (&read_error));
      return FALSE;
    }

  ok = mutation (self, data, error) && write_file (self, error);
  unlock_ledger (fd);
  return ok;
}

static guint
index_of (PortierLedger *self,
          const char    *id)
{
  for (guint i = 0; i < self->openings->len; i++)
    if (g_strcmp0 (((PortierOpening *) g_ptr_array_index (self->openings, i))->id, id) == 0)
      return i;
  return G_MAXUINT;
}

static gboolean
put_mutation (PortierLedger  *self,
              gconstpointer   data,
              GError        **error)
{
  const PortierOpening *opening = data;
  guint index = index_of (self, opening->id);

  /* A new entry past the limit is refused; the ledger keeps every one it has. */
  if (index == G_MAXUINT && self->openings->len >= PORTIER_LEDGER_MAX_OPENINGS)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_LIMIT_REACHED,
                   "the ledger holds %u openings already", PORTIER_LEDGER_MAX_OPENINGS);
      return FALSE;
    }
  if (index != G_MAXUINT)
    g_ptr_array_remove_index (self->openings, index);
  g_ptr_array_add (self->openings, portier_opening_copy (opening));
  return TRUE;
}

static gboolean
remove_mutation (PortierLedger  *self,
                 gconstpointer   data,
                 GError        **error)
{
  guint index = index_of (self, data);

  if (index != G_MAXUINT)
    g_ptr_array_remove_index (self->openings, index);
  return TRUE;
}

/**
 * portier_ledger_put:
 *
 * Adds @opening, or replaces the entry with its id, and writes the ledger. A new entry
 * past %PORTIER_LEDGER_MAX_OPENINGS is refused with %PORTIER_ERROR_LIMIT_REACHED.
 */
gboolean
portier_ledger_put (PortierLedger         *self,
                    const PortierOpening  *opening,
                    GError               **error)
{
  g_return_val_if_fail (PORTIER_IS_LEDGER (self), FALSE);
  return mutate (self, put_mutation, opening, error);
}

gboolean
portier_ledger_remove (PortierLedger  *self,
                       const char     *id,
                       GError        **error)
{
  g_return_val_if_fail (PORTIER_IS_LEDGER (self), FALSE);
  return mutate (self, remove_mutation, id, error);
}

/**
 * portier_ledger_get_openings:
 *
 * Returns: (transfer none) (element-type PortierOpening): as last read or written
 */
GPtrArray *
portier_ledger_get_openings (PortierLedger *self)
{
  g_return_val_if_fail (PORTIER_IS_LEDGER (self), NULL);
  return self->openings;
}

/**
 * portier_ledger_lookup:
 *
 * Returns: (transfer none) (nullable): the opening with this id
 */
PortierOpening *
portier_ledger_lookup (PortierLedger *self,
                       const char    *id)
{
  guint index;

  g_return_val_if_fail (PORTIER_IS_LEDGER (self), NULL);
  index = index_of (self, id);
  return index == G_MAXUINT ? NULL : g_ptr_array_index (self->openings, index);
}

/**
 * portier_ledger_find:
 *
 * Returns: (transfer container) (element-type PortierOpening): the openings whose ports
 *   overlap @spec
 */
GPtrArray *
portier_ledger_find (PortierLedger         *self,
                     const PortierPortSpec *spec)
{
  GPtrArray *found = g_ptr_array_new ();

  g_return_val_if_fail (PORTIER_IS_LEDGER (self), found);
  for (guint i = 0; i < self->openings->len; i++)
    {
      PortierOpening *opening = g_ptr_array_index (self->openings, i);
      if (portier_port_spec_overlaps (&opening->spec, spec))
        g_ptr_array_add (found, opening);
    }
  return found;
}

/**
 * portier_ledger_get_stale:
 *
 * Returns: (transfer container) (element-type PortierOpening): what must be cleaned up
 */
GPtrArray *
portier_ledger_get_stale (PortierLedger *self,
                          gint64         now)
{
  GPtrArray *stale = g_ptr_array_new ();

  g_return_val_if_fail (PORTIER_IS_LEDGER (self), stale);
  for (guint i = 0; i < self->openings->len; i++)
    {
      PortierOpening *opening = g_ptr_array_index (self->openings, i);
      if (portier_opening_is_stale (opening, now, "/proc"))
        g_ptr_array_add (stale, opening);
    }
  return stale;
}
