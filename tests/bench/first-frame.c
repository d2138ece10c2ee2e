/* first-frame.c: how long a program takes to show its first frame on an X server, and
 * its peak memory
 *
 *   first-frame [--settle SECONDS] [--timeout SECONDS] -- PROGRAM [ARGS…]
 *
 * Starts PROGRAM and watches the X server (DISPLAY) for its first top-level window of a
 * real size. The first frame is the first time that window shows something drawn: the
 * DAMAGE extension reports each change to it, and its pixels are then read. A window in
 * fewer than MIN_COLOURS colours is not a frame yet; the X server paints a window in its
 * background colour when it is mapped, long before the toolkit draws into it, and that
 * alone would be no measure of a program's start. After --settle seconds more (default 2)
 * the peak resident memory (VmHWM) of the process that owns the window (_NET_WM_PID) and
 * of its descendants is read, and PROGRAM's process group is ended. Prints
 *
 *   first_frame_ms=…  peak_rss_kb=…  pid=…  cpu_ms=…
 *
 * cpu_ms is the processor time PROGRAM and its descendants had used when the first frame
 * came: on a loaded machine, where the time to the first frame also counts the waiting
 * for a processor, it says how much of that was the program's own work.
 *
 * and exits 0, or 1 when no frame came in --timeout seconds (default 30).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xdamage.h>

#define MIN_SIZE 16

/* A drawn frame has text and edges, so many colours; a freshly mapped window has one. */
#define MIN_COLOURS 8
#define SAMPLE_STEP 3

/* Windows come and go while a program starts; one gone before it is looked at is no
 * error. */
static int
ignore_errors (Display     *dpy,
               XErrorEvent *error)
{
  return 0;
}

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static long
window_pid (Display *dpy,
            Window   window)
{
  Atom atom = XInternAtom (dpy, "_NET_WM_PID", False);
  Atom type;
  int format;
  unsigned long n, after;
  unsigned char *data = NULL;
  long pid = -1;

  if (XGetWindowProperty (dpy, window, atom, 0, 1, False, XA_CARDINAL, &type, &format, &n,
                          &after, &data) == Success && data != NULL && n == 1)
    pid = (long) *(unsigned long *) data;
  if (data != NULL)
    XFree (data);
  return pid;
}

/* Whether the window shows a drawn frame: at least MIN_COLOURS distinct pixel values on a
 * grid of every SAMPLE_STEP-th pixel. */
static int
has_content (Display *dpy,
             Window   window,
             int      width,
             int      height)
{
  unsigned long seen[MIN_COLOURS];
  int n_seen = 0;
  XImage *image = XGetImage (dpy, window, 0, 0, (unsigned) width, (unsigned) height,
                             AllPlanes, ZPixmap);

  if (image == NULL)
    return 0;
  for (int y = 0; y < height && n_seen < MIN_COLOURS; y += SAMPLE_STEP)
    for (int x = 0; x < width && n_seen < MIN_COLOURS; x += SAMPLE_STEP)
      {
        unsigned long pixel = XGetPixel (image, x, y);
        int known = 0;

        for (int i = 0; i < n_seen && !known; i++)
          known = seen[i] == pixel;
        if (!known)
          seen[n_seen++] = pixel;
      }
  XDestroyImage (image);
  return n_seen >= MIN_COLOURS;
}

static long
read_status_kb (long        pid,
                const char *field)
{
  char path[64], line[256];
  long value = 0;
  FILE *f;

  snprintf (path, sizeof path, "/proc/%ld/status", pid);
  if ((f = fopen (path, "r")) == NULL)
    return 0;
  while (fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, field, strlen (field)) == 0)
      value = strtol (line + strlen (field), NULL, 10);
  fclose (f);
  return value;
}

static long
parent_of (long pid)
{
  char path[64], line[256];
  long ppid = 0;
  FILE *f;

  snprintf (path, sizeof path, "/proc/%ld/status", pid);
  if ((f = fopen (path, "r")) == NULL)
    return 0;
  while (fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, "PPid:", 5) == 0)
      ppid = strtol (line + 5, NULL, 10);
  fclose (f);
  return ppid;
}

/* Processor time (user and system) of pid, in milliseconds. */
static long
cpu_ms (long pid)
{
  char path[64], line[1024];
  unsigned long utime = 0, stime = 0;
  const char *after_name;
  FILE *f;

  snprintf (path, sizeof path, "/proc/%ld/stat", pid);
  if ((f = fopen (path, "r")) == NULL)
    return 0;
  /* After the name in parentheses: state, then 10 fields, then utime and stime. */
  if (fgets (line, sizeof line, f) != NULL && (after_name = strrchr (line, ')')) != NULL)
    sscanf (after_name + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
            &utime, &stime);
  fclose (f);
  return (long) ((utime + stime) * 1000 / (unsigned long) sysconf (_SC_CLK_TCK));
}

static long
hwm_kb (long pid)
{
  return read_status_kb (pid, "VmHWM:");
}

/* The sum of what measure says for pid and every process below it. */
static long
tree_sum (long   root,
          long (*measure) (long pid))
{
  long total = measure (root);
  DIR *proc = opendir ("/proc");
  struct dirent *entry;

  while (proc != NULL && (entry = readdir (proc)) != NULL)
    {
      long pid = strtol (entry->d_name, NULL, 10);

      if (pid <= 0 || pid == root)
        continue;
      for (long p = parent_of (pid); p > 1; p = parent_of (p))
        if (p == root)
          {
            total += measure (pid);
            break;
          }
    }
  if (proc != NULL)
    closedir (proc);
  return total;
}

int
main (int    argc,
      char **argv)
{
  double settle = 2, timeout = 30, start, first = -1;
  int damage_event, damage_error, i;
  Display *dpy;
  pid_t child;
  Window frame_window = None;
  long pid, rss, cpu = 0;

  for (i = 1; i < argc && strcmp (argv[i], "--") != 0; i++)
    {
      if (strcmp (argv[i], "--settle") == 0 && i + 1 < argc)
        settle = atof (argv[++i]);
      else if (strcmp (argv[i], "--timeout") == 0 && i + 1 < argc)
        timeout = atof (argv[++i]);
    }
  if (i + 1 >= argc)
    {
      fprintf (stderr, "usage: first-frame [--settle S] [--timeout S] -- PROGRAM [ARGS…]\n");
      return 2;
    }

  if ((dpy = XOpenDisplay (NULL)) == NULL)
    {
      fprintf (stderr, "first-frame: cannot open the display\n");
      return 2;
    }
  if (!XDamageQueryExtension (dpy, &damage_event, &damage_error))
    {
      fprintf (stderr, "first-frame: the X server has no DAMAGE extension\n");
      return 2;
    }
  XSetErrorHandler (ignore_errors);
  XSelectInput (dpy, DefaultRootWindow (dpy), SubstructureNotifyMask);
  XSync (dpy, False);

  start = now_ms ();
  child = fork ();
  if (child == 0)
    {
      setpgid (0, 0);
      execvp (argv[i + 1], argv + i + 1);
      _exit (127);
    }
  setpgid (child, child);

  while (first < 0 && now_ms () - start < timeout * 1000)
    {
      struct pollfd fd = { ConnectionNumber (dpy), POLLIN, 0 };

      while (XPending (dpy))
        {
          XEvent event;

          XNextEvent (dpy, &event);
          /* Watched from its creation; its size counts when it is drawn into (toolkits
           * create top-levels small and size them before mapping). */
          if (event.type == CreateNotify &&
              event.xcreatewindow.parent == DefaultRootWindow (dpy) &&
              !event.xcreatewindow.override_redirect)
            {
              XWindowAttributes attributes;

              /* Input-only windows are never drawn into. */
              if (XGetWindowAttributes (dpy, event.xcreatewindow.window, &attributes) &&
                  attributes.class == InputOutput)
                XDamageCreate (dpy, event.xcreatewindow.window, XDamageReportNonEmpty);
            }
          else if (event.type == damage_event + XDamageNotify && first < 0)
            {
              XDamageNotifyEvent *damage = (XDamageNotifyEvent *) &event;
              XWindowAttributes attributes;
              /* Taken before the pixels are read, which takes time of its own. */
              double when = now_ms () - start;

              /* Reported again at the next change. */
              XDamageSubtract (dpy, damage->damage, None, None);
              if (XGetWindowAttributes (dpy, damage->drawable, &attributes) &&
                  attributes.map_state == IsViewable &&
                  attributes.width >= MIN_SIZE && attributes.height >= MIN_SIZE &&
                  has_content (dpy, damage->drawable, attributes.width, attributes.height))
                {
                  first = when;
                  frame_window = damage->drawable;
                  cpu = tree_sum (child, cpu_ms);
                }
            }
        }
      if (first < 0)
        poll (&fd, 1, 20);

      if (waitpid (child, NULL, WNOHANG) == child)
        {
          fprintf (stderr, "first-frame: %s ended before showing a window\n", argv[i + 1]);
          return 1;
        }
    }

  if (first < 0)
    {
      fprintf (stderr, "first-frame: no frame in %.0f s\n", timeout);
      kill (-child, SIGKILL);
      return 1;
    }

  usleep ((useconds_t) (settle * 1e6));
  pid = window_pid (dpy, frame_window);
  if (pid <= 0)
    pid = child;
  /* The launcher and what it started, or the window's own process when it is not ours. */
  rss = tree_sum (child, hwm_kb);
  if (pid != child && parent_of (pid) != child)
    rss += tree_sum (pid, hwm_kb);

  printf ("first_frame_ms=%.1f peak_rss_kb=%ld pid=%ld cpu_ms=%ld\n", first, rss, pid, cpu);
  fflush (stdout);

  kill (-child, SIGTERM);
  usleep (200000);
  kill (-child, SIGKILL);
  waitpid (child, NULL, 0);
  XCloseDisplay (dpy);
  return 0;
}
